-- mod_bench_crowd: the benchmark's crowd of room occupants (bench/README).
--
-- bench/run-bench loads this on its Prosody's MUC component, with
-- bench_crowd_host naming an external component (a raw socket in the
-- harness) whose JIDs are "the crowd". Crowd occupants are real
-- occupants of real rooms: they join, leave and talk through Prosody's
-- own muc code, and a client under test gets exactly the stanzas a room
-- sends. Only what the room would send to the crowd itself is left out:
-- each_occupant() walks the occupants that are not of the crowd, so a
-- join or a message costs the room one stanza per watching client
-- instead of one per occupant. Without this, 1,000 joins are 500,000
-- presences for the crowd, and the benchmark would measure Prosody
-- rather than the client. A crowd occupant still receives its own
-- presence (code 110) and the subject. The room's disco#info occupant
-- count therefore counts the watching clients only, which is what the
-- harness polls to learn that a client is in its room.

local jid_host = require "util.jid".host;

local crowd_host = module:get_option_string("bench_crowd_host");
local room_mt = module:depends("muc").room_mt;

-- room -> { [occupant's room JID] = true } for occupants not of the crowd
local watchers = setmetatable({}, { __mode = "k" });

local save_occupant = room_mt.save_occupant;
function room_mt:save_occupant(occupant)
	local id = occupant.nick;
	local r = save_occupant(self, occupant);
	if jid_host(occupant.bare_jid) ~= crowd_host then
		local w = watchers[self];
		if not w then
			w = {};
			watchers[self] = w;
		end
		w[id] = self._occupants[id] ~= nil or nil;
	end
	return r;
end

-- As Prosody's: each step gives the occupant's room JID and a copy.
function room_mt:each_occupant(read_only) -- luacheck: ignore 212
	local w = watchers[self] or {};
	return function(_, id)
		local nxt = next(w, id);
		if nxt == nil then
			return nil;
		end
		return nxt, self:get_occupant_by_nick(nxt);
	end, w, nil;
end

module:log("info", "occupants from %s are a silent crowd", crowd_host);
