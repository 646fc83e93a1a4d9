CREATE TABLE users (id int PRIMARY KEY, name varchar(100), email varchar(200));
