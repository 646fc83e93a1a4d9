CREATE TABLE Products (id integer PRIMARY KEY, name text);
