-- Days a shop is closed besides its weekly hours (holidays, works): from first_day to last_day
-- inclusive, read in the shop's own time zone. Customers see them; admins add and remove them.
CREATE TABLE shop_closures (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    shop_id UUID NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    first_day DATE NOT NULL,
    last_day DATE NOT NULL,
    reason TEXT NOT NULL,
    created_by UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT shop_closures_last_day_after_first CHECK (last_day >= first_day)
);
CREATE INDEX shop_closures_shop_last_day ON shop_closures (shop_id, last_day);

-- A closure changes whether the shop's menu says open: cached menus follow its version.
CREATE TRIGGER shop_menu_version_closures AFTER INSERT OR UPDATE OR DELETE ON shop_closures
    FOR EACH ROW EXECUTE FUNCTION shop_menu_row_changed();
