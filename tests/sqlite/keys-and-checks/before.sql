CREATE TABLE teams (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE members (id INTEGER PRIMARY KEY, code TEXT, team_id INTEGER, email TEXT, score INTEGER DEFAULT 0, role TEXT,
  CONSTRAINT members_role_check CHECK (role <> ''),
  CONSTRAINT members_team_fk FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE);
CREATE TABLE assignments (id INTEGER PRIMARY KEY, member_id INTEGER REFERENCES members (id) ON DELETE CASCADE, team_id INTEGER);
CREATE TABLE tags (name TEXT NOT NULL, label TEXT);
CREATE INDEX members_email ON members (email);
