-- cometsim.lua - Wireshark dissectors for the protocols cometsim puts on
-- the wire, in one Lua plugin.
--
-- Load it for one run with   tshark -X lua_script:cometsim.lua ...
-- or install it (make install) into a folder Wireshark scans for plugins:
-- $HOME/.local/lib/wireshark/plugins (personal) or, on Debian,
-- /usr/lib/x86_64-linux-gnu/wireshark/plugins (global).  Not both at
-- once: Wireshark 4.0 then keeps the first copy it loaded.
-- doc/wireshark.md lists every field, expert item and example filter.
--
-- One section per protocol below, each inside its own do ... end block so
-- that its locals cannot clash with another section's.  A new protocol
-- gets a new section; the shared helpers come first.
--
-- Rule for every section: a sub-dissector only ever receives a payload
-- whose bounds are certain and that was captured whole, and it is always
-- called through pcall.  In Wireshark 4.0 an exception raised inside a C
-- dissector called from Lua can otherwise take tshark down.

------------------------------------------------------------------------
-- Shared helpers
------------------------------------------------------------------------

local ethertype_table = DissectorTable.get("ethertype")
local data_dissector = Dissector.get("data")

-- call_dissector_safely(d, tvb, pinfo, tree): d on the whole of tvb.
-- Returns the number of bytes d consumed, or nil and the error text.
local function call_dissector_safely(d, tvb, pinfo, tree)
	local ok, res = pcall(d.call, d, tvb, pinfo, tree)
	if ok then
		return res or tvb:len()
	end
	return nil, tostring(res)
end

------------------------------------------------------------------------
-- COMET header, version 1 (EtherType 0xCCCC)
--
-- The header of the stateless CAFE (REFERENCE section 1, D4.3 sections 5,
-- 5.3.1 and 5.4.2), directly after Ethernet, after an 802.1Q tag, or
-- inside GRE (RFC 2784, protocol type 0xCCCC):
--
--   offset size  field
--   0      1     version        1
--   1      1     cos            0 best effort, 1 BTBE, 2 PR
--   2      1     length         number of forwarding keys
--   3      1     index          keys already used, 0..length
--   4      2     next protocol  EtherType of the payload (IPv4, IPv6)
--   6      length keys          one byte each, in path order
--   6+length     payload        the original IP packet
------------------------------------------------------------------------
do
	local COMET_ETHERTYPE = 0xCCCC
	local COMET_VERSION = 1
	local COMET_HDR_LEN = 6

	local comet = Proto("comet", "COMET header")

	local cos_names = {
		[0] = "best effort",
		[1] = "BTBE (better than best effort)",
		[2] = "PR (premium)",
	}
	local next_names = {
		[0x0800] = "IPv4",
		[0x86DD] = "IPv6",
	}

	local f = {
		version = ProtoField.uint8("comet.version", "Version", base.DEC),
		cos = ProtoField.uint8("comet.cos", "Class of service", base.DEC,
			cos_names),
		length = ProtoField.uint8("comet.length", "Length", base.DEC, nil,
			nil, "Number of forwarding keys"),
		index = ProtoField.uint8("comet.index", "Index", base.DEC, nil, nil,
			"Number of keys already used"),
		next_proto = ProtoField.uint16("comet.next_proto", "Next protocol",
			base.HEX, next_names, nil, "EtherType of the payload"),
		keys = ProtoField.bytes("comet.keys", "Keys", base.SPACE,
			"Forwarding keys in path order"),
		key = ProtoField.uint8("comet.key", "Key", base.HEX, nil, nil,
			"One forwarding key"),
		current_key = ProtoField.uint8("comet.current_key", "Current key",
			base.HEX, nil, nil, "The key the next CAFE uses (keys[index])"),
		hops_left = ProtoField.uint8("comet.hops_left", "Hops left",
			base.DEC, nil, nil, "Keys not yet used: length - index"),
	}
	comet.fields = {
		f.version, f.cos, f.length, f.index, f.next_proto,
		f.keys, f.key, f.current_key, f.hops_left,
	}

	local ex = {
		bad_version = ProtoExpert.new("comet.expert.bad_version",
			"Unsupported COMET version", expert.group.MALFORMED,
			expert.severity.ERROR),
		truncated = ProtoExpert.new("comet.expert.truncated",
			"COMET header truncated", expert.group.MALFORMED,
			expert.severity.ERROR),
		index_beyond_length = ProtoExpert.new(
			"comet.expert.index_beyond_length",
			"COMET index beyond length", expert.group.MALFORMED,
			expert.severity.ERROR),
		unknown_next_proto = ProtoExpert.new(
			"comet.expert.unknown_next_proto",
			"Unknown COMET next protocol", expert.group.UNDECODED,
			expert.severity.WARN),
		payload_failed = ProtoExpert.new("comet.expert.payload_failed",
			"Payload dissector failed", expert.group.MALFORMED,
			expert.severity.ERROR),
	}
	comet.experts = {
		ex.bad_version, ex.truncated, ex.index_beyond_length,
		ex.unknown_next_proto, ex.payload_failed,
	}

	local function next_name(v)
		return next_names[v] or string.format("0x%04x", v)
	end

	-- dissect_payload: the carried packet, bytes off.. of tvb.  Handed on
	-- only when it was captured whole; an unknown next protocol goes to
	-- the data dissector.  Returns the bytes consumed.
	local function dissect_payload(tvb, off, next_proto, pinfo, tree, root)
		local cap, rep = tvb:len(), tvb:reported_len()
		if rep <= off then
			root:add(tvb(0, 0), "[No payload]")
			return off
		end
		if cap < rep then
			-- Cut by the capture's snap length: never hand on a partial
			-- packet (section rule at the top of the file).
			if cap > off then
				root:add(tvb(off), string.format(
					"[Payload: %d of %d bytes captured, not dissected]",
					cap - off, rep - off))
			end
			pinfo.cols.info:append(" [payload cut by the snap length]")
			return cap
		end
		local ptvb = tvb(off):tvb()
		local d = next_proto and ethertype_table:get_dissector(next_proto)
		if d == nil then
			d = data_dissector
		else
			-- Keep our summary in front of what the payload's
			-- dissectors write into the Info column.
			pinfo.cols.info:append(" | ")
			pinfo.cols.info:fence()
		end
		local used, err = call_dissector_safely(d, ptvb, pinfo, tree)
		if used == nil then
			root:add_proto_expert_info(ex.payload_failed,
				"Payload dissector failed: " .. err)
			return cap
		end
		return off + used
	end

	function comet.dissector(tvb, pinfo, tree)
		local cap, rep = tvb:len(), tvb:reported_len()
		pinfo.cols.protocol:set("COMET")

		local root = tree:add(comet, tvb(0, math.min(cap, COMET_HDR_LEN)))

		-- The frame ends inside the fixed part: show the whole fields.
		if cap < COMET_HDR_LEN then
			local names = { f.version, f.cos, f.length, f.index }
			for i = 1, math.min(cap, #names) do
				root:add(names[i], tvb(i - 1, 1))
			end
			if cap >= 1 and tvb(0, 1):uint() ~= COMET_VERSION then
				root:add_proto_expert_info(ex.bad_version, string.format(
					"Unsupported COMET version %d (expected %d)",
					tvb(0, 1):uint(), COMET_VERSION))
			end
			if rep < COMET_HDR_LEN then
				root:add_proto_expert_info(ex.truncated, string.format(
					"COMET header truncated: %d of %d bytes",
					rep, COMET_HDR_LEN))
				pinfo.cols.info:set(string.format(
					"COMET [truncated header: %d of %d bytes]",
					rep, COMET_HDR_LEN))
			else
				root:add(tvb(0, cap), "[Header cut by the capture's snap length]")
				pinfo.cols.info:set("COMET [cut by the snap length]")
			end
			return cap
		end

		local version = tvb(0, 1):uint()
		local vitem = root:add(f.version, tvb(0, 1))
		if version ~= COMET_VERSION then
			-- Another version may lay its fields out differently: show
			-- the rest as plain data rather than guess.
			vitem:add_proto_expert_info(ex.bad_version, string.format(
				"Unsupported COMET version %d (expected %d)",
				version, COMET_VERSION))
			root:set_len(1)
			pinfo.cols.info:set(string.format(
				"COMET v%d [unsupported version]", version))
			if cap > 1 then
				call_dissector_safely(data_dissector, tvb(1):tvb(), pinfo,
					tree)
			end
			return cap
		end

		local cos = tvb(1, 1):uint()
		local length = tvb(2, 1):uint()
		local index = tvb(3, 1):uint()
		local next_proto = tvb(4, 2):uint()
		root:add(f.cos, tvb(1, 1))
		root:add(f.length, tvb(2, 1))
		local iitem = root:add(f.index, tvb(3, 1))
		local nitem = root:add(f.next_proto, tvb(4, 2))

		local present = math.min(length, cap - COMET_HDR_LEN)
		root:set_len(COMET_HDR_LEN + present)
		if present > 0 then
			local kitem = root:add(f.keys, tvb(COMET_HDR_LEN, present))
			for i = 0, present - 1 do
				local r = tvb(COMET_HDR_LEN + i, 1)
				local it = kitem:add(f.key, r)
				it:set_text(string.format("Key %d: 0x%02x%s", i, r:uint(),
					i == index and " (current)" or ""))
			end
		end
		if index < present then
			root:add(f.current_key, tvb(COMET_HDR_LEN + index, 1))
		end
		if index <= length then
			root:add(f.hops_left, tvb(2, 2), length - index):set_generated()
		else
			iitem:add_proto_expert_info(ex.index_beyond_length,
				string.format("COMET index %d beyond length %d",
					index, length))
		end

		local info = string.format("COMET v%d cos=%d keys %d/%d next=%s",
			version, cos, index, length, next_name(next_proto))
		pinfo.cols.info:set(info)
		root:append_text(string.format(", Version %d, Keys %d/%d, Next %s",
			version, index, length, next_name(next_proto)))

		local hlen = COMET_HDR_LEN + length
		if rep < hlen then
			root:add_proto_expert_info(ex.truncated, string.format(
				"COMET key list truncated: %d of %d keys present",
				math.max(rep - COMET_HDR_LEN, 0), length))
			pinfo.cols.info:append(string.format(
				" [truncated: %d of %d keys]",
				math.max(rep - COMET_HDR_LEN, 0), length))
			return cap
		end
		if cap < hlen then
			root:add(tvb(cap - 1, 1),
				"[Key list cut by the capture's snap length]")
			pinfo.cols.info:append(" [key list cut by the snap length]")
			return cap
		end

		if next_names[next_proto] == nil then
			nitem:add_proto_expert_info(ex.unknown_next_proto,
				string.format("Unknown COMET next protocol 0x%04x", next_proto))
			return dissect_payload(tvb, hlen, nil, pinfo, tree, root)
		end
		return dissect_payload(tvb, hlen, next_proto, pinfo, tree, root)
	end

	DissectorTable.get("ethertype"):add(COMET_ETHERTYPE, comet)
	DissectorTable.get("gre.proto"):add(COMET_ETHERTYPE, comet)
end
