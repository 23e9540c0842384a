-- Lookups that a catalog of 100,000 imported offers made slow (the console test at that size):
-- products found by their exact name (an import puts each offer under the product of its name;
-- products_by_name serves searches, by lower(name)), and an upstream offer's sources (an import
-- skips upstream offers a source names already; a sync recomputes the sources it lists).
CREATE INDEX products_by_exact_name ON products (name);
CREATE INDEX offer_sources_by_supplier_product ON offer_sources (supplier_id, supplier_product_id);
