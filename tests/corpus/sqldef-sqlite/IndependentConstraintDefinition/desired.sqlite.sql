CREATE TABLE artist(
  artistid    INTEGER,
  artistname  TEXT,
  PRIMARY KEY(artistid)
);
CREATE TABLE track(
  trackid     INTEGER,
  trackname   TEXT,
  trackartist INTEGER,
  CHECK (trackid > 0),
  FOREIGN KEY(trackartist) REFERENCES artist(artistid)
);
