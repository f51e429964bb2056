DROP TABLE shop_closures;
