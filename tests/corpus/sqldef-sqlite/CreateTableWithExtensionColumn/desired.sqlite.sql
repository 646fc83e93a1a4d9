CREATE TABLE t (
  extension ANY
);
