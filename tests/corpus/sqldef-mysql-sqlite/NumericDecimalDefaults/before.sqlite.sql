CREATE TABLE test (
  id int,
  num numeric,
  price decimal
);
