CREATE TABLE orders (id INTEGER PRIMARY KEY, total NUMERIC(10,2), status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'paid', 'it''s shipped')));
CREATE TABLE customers (id TEXT NOT NULL, data TEXT, created TIMESTAMP DEFAULT CURRENT_TIMESTAMP, active BOOLEAN DEFAULT 1, PRIMARY KEY (id));
