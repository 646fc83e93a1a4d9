CREATE TABLE orders (
  id integer PRIMARY KEY,
  user_id integer,
  FOREIGN KEY (user_id) REFERENCES Users (id)
);
CREATE TABLE users (id integer PRIMARY KEY);
