CREATE TABLE orders (
  id int PRIMARY KEY,
  quantity int,
  CONSTRAINT CHK_QUANTITY CHECK (quantity > 0)
);
