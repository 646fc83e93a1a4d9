CREATE TABLE test (
  id int,
  num numeric(10),
  price decimal(10)
);
