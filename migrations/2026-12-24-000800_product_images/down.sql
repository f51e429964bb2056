ALTER TABLE products DROP COLUMN menu_image_url;
DROP TABLE product_images;
