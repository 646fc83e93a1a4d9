CREATE TABLE 'bigdata' (
  'data' integer
);
