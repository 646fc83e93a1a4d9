INSERT INTO teams (name) VALUES ('red'), ('blue');
INSERT INTO members (code, team_id, email, score, role) VALUES ('m1', 1, 'a@x', 3, 'lead'), ('m2', 2, 'b@x', 0, NULL), ('m3', NULL, 'c@x', 7, 'dev');
INSERT INTO assignments (member_id, team_id) VALUES (1, 1), (2, 2), (3, NULL), (1, 2);
INSERT INTO tags (name, label) VALUES ('x', 'X'), ('y', NULL);
