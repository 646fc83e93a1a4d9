CREATE TABLE users (
  c_timestamp timestamp,
  c_integer integer,
  c_text text
);
