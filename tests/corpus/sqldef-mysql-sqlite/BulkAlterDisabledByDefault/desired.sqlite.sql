CREATE TABLE patients (
  id bigint NOT NULL,
  a int,
  b int
);
