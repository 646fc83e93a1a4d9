CREATE TABLE foos (
  foo_id bigint PRIMARY KEY,
  bar_id bigint NOT NULL REFERENCES bars (bar_id)
);
CREATE TABLE bars (
  bar_id bigint PRIMARY KEY
);
