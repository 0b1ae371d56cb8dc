-- Categories of the package taxonomy, in label order.
SELECT category, label, description FROM categories ORDER BY label;
