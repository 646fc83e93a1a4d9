CREATE TABLE teams (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE members (id INTEGER PRIMARY KEY, code TEXT, team_id INTEGER, email TEXT NOT NULL, score INTEGER DEFAULT 10, role TEXT,
  CONSTRAINT members_code_key UNIQUE (code),
  CONSTRAINT members_score_check CHECK (score >= 0));
CREATE TABLE assignments (id INTEGER PRIMARY KEY, member_id INTEGER REFERENCES members (id) ON DELETE CASCADE, team_id INTEGER REFERENCES teams (id) ON DELETE SET NULL);
CREATE TABLE tags (name TEXT NOT NULL, label TEXT, PRIMARY KEY (name));
CREATE INDEX members_email ON members (email);
