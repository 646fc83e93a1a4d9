INSERT INTO orders (total) VALUES (10.5), (3), (NULL);
