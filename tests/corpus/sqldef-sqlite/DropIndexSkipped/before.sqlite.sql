CREATE TABLE users (
  id integer NOT NULL,
  email text
);
CREATE INDEX idx_email ON users (email);
