CREATE TABLE products (id integer PRIMARY KEY, name text);
CREATE INDEX idx_name ON PRODUCTS (name);
