DROP TABLE password_reset_tokens;
DROP TABLE refresh_tokens;
DROP TABLE addresses;
DROP TABLE users;
DROP TABLE shops;
