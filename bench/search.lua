-- wrk script: GET the paths of SEARCH_PATHS (separated by '|'), in turn.
local paths = {}
for path in string.gmatch(os.getenv("SEARCH_PATHS"), "[^|]+") do
  table.insert(paths, path)
end
local n = 0

request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
