CREATE TABLE users (id int PRIMARY KEY, Name varchar(100));
