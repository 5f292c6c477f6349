-- mod_bench_upload: lets the benchmark's Prosody take an HTTP upload as
-- fast as a client sends it (bench/README, "files").
--
-- bench/run-bench loads this on its upload component. Prosody 0.12
-- reads every connection network_default_read_size bytes at a time
-- (4 KiB), and while TLS still holds decrypted bytes it reads on only in
-- its next loop pass, which waits at least a millisecond (server_epoll's
-- min_wait). A 16 KiB TLS record then takes four passes, and an upload
-- goes at a few MiB/s whoever sends it: the figure would be Prosody's.
-- Here a connection that sends a PUT (an upload: BOSH posts, WebSocket
-- and downloads get) reads bench_upload_read_size bytes at a time from
-- then on: 1 MiB. Fewer, larger reads mean fewer of those waits (with
-- 256 KiB they still set the pace on a busy machine, 5 to 16 MiB/s);
-- larger still, each read holds Prosody's loop for longer, and every
-- round trip through it waits behind one (with 4 MiB, pings answered
-- during an upload took 100 to 300 ms, whichever client uploaded).
-- Nothing else changes: XMPP streams, BOSH, WebSocket and downloads
-- keep Prosody's reads, so the other scenarios' figures stay as they
-- were.

local http_listener = require "net.http.server".listener;

local read_size = module:get_option_number("bench_upload_read_size",
	1024 * 1024);

local onincoming = http_listener.onincoming;

local function bench_onincoming(conn, data)
	if data:sub(1, 4) == "PUT " then
		conn:set_mode(read_size);
	end
	return onincoming(conn, data);
end

http_listener.onincoming = bench_onincoming;

function module.unload()
	if http_listener.onincoming == bench_onincoming then
		http_listener.onincoming = onincoming;
	end
end
