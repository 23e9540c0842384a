-- The spec's test offer, present in every deployment: merchants integrate against it.
INSERT INTO offers (id, product_name, offer_name, count, price, currency, returns_key, sandbox)
VALUES (999, 'Steam US', 'TEST OFFER GROUP', 1, 2309, 'KZT', true, true);
