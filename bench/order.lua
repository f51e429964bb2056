-- wrk script: POST /api/v1/orders with the bodies of ORDER_BODIES (separated by '|'), in turn.
local bodies = {}
for body in string.gmatch(os.getenv("ORDER_BODIES"), "[^|]+") do
  table.insert(bodies, body)
end
local token = os.getenv("TOKEN")
local n = 0

request = function()
  n = n + 1
  local body = bodies[(n % #bodies) + 1]
  return wrk.format("POST", "/api/v1/orders", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }, body)
end
