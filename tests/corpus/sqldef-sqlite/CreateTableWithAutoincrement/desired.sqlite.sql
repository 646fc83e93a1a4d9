CREATE TABLE users (
  id integer PRIMARY KEY AUTOINCREMENT,
  name text,
  age integer
);
