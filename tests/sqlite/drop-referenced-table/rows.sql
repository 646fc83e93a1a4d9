INSERT INTO tags (name) VALUES ('a'), ('b');
INSERT INTO posts (title) VALUES ('p1'), ('p2');
INSERT INTO post_tags VALUES (1, 1, 'x'), (1, 2, NULL), (2, 2, 'y');
