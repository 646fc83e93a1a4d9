CREATE TABLE patients (
  id bigint NOT NULL,
  c int
);
