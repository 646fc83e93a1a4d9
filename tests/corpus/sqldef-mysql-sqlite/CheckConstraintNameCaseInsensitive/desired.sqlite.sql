CREATE TABLE orders (
  id int PRIMARY KEY,
  quantity int,
  CONSTRAINT chk_quantity CHECK (quantity > 0)
);
