-- wrk script for bench/cases.sh: GET the case list with the paths listed in the file named by
-- the first script argument (one path per line), in turn, with the session cookie of the second.
--   wrk -t2 -c16 -d10s --latency -s bench/cases_list.lua http://127.0.0.1:PORT -- PATHS COOKIE
local paths = {}
local cookie = ""
local i = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  cookie = args[2]
  i = math.random(#paths) - 1
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], { ["Cookie"] = "zhifa_session=" .. cookie,
                                       ["Accept"] = "application/json" })
end

local bad = 0
function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end
