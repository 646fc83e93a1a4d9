INSERT INTO users (email, age, nick) VALUES ('a@x', 30, 'a'), ('b@x', NULL, 'b'), ('c''x', 41, NULL);
INSERT INTO posts (user_id, title) VALUES (1, 'one'), (1, 'two'), (2, 'three');
INSERT INTO likes (user_id) VALUES (1), (3);
