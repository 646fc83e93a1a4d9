CREATE TABLE bigdata (
  -- unique constraint generates an index entry automatically in sqlite_master table
  path text UNIQUE,
  data integer
);
CREATE INDEX index_bigdata ON bigdata(data);
