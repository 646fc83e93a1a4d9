INSERT INTO authors (name, legacy) VALUES ('Ann', 'x'), ('Bob', NULL);
INSERT INTO old_books (title, author_id) VALUES ('A', 1), ('B', 1), ('C', 2);
