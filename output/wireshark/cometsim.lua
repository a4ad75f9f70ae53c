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

-- Protocol Buffers, for the sections that decode a message by hand
-- against its .proto written out in Lua (CME-CAFE, CME client), so that
-- every field filters under the section's own name without a .proto
-- search path.  A schema maps a message name to its fields by number:
--   { field name, kind, key, repeated = true|nil }
-- kind is uint32, uint64, bool, double, string, bytes, or msg (then key
-- is the message's name; otherwise key names the ProtoField in ctx.pf).
-- ctx = { schema =, pf = (with pf.unknown), proto = (for sub-trees),
--         labels = (field name -> sub-tree label), hex_sep = }
local pb = {}
local pb_wire = { uint32 = 0, uint64 = 0, bool = 0, double = 1, string = 2, bytes = 2,
	msg = 2 }

-- A varint at off (below limit): its value as UInt64 and its length; nil
-- if it is cut short or longer than 10 bytes.
function pb.varint(tvb, off, limit)
	local v = UInt64(0)
	for i = 0, 9 do
		if off + i >= limit then
			return nil
		end
		local b = tvb(off + i, 1):uint()
		v = v + UInt64(b % 128):lshift(7 * i)
		if b < 128 then
			return v, i + 1
		end
	end
	return nil
end

-- The value of a scalar field as the decoded table keeps it.
local function pb_value(kind, val)
	if kind == "uint64" then
		return tostring(val)
	elseif kind == "bool" then
		return val ~= UInt64(0)
	end
	return val:tonumber()
end

-- Decode the fields of message `name` between off and limit into tree.
-- Returns a table of what was found (scalars by field name, repeated
-- fields and messages as lists) and nil, or the table and an error text.
function pb.decode(ctx, tvb, off, limit, name, tree, depth)
	local s = ctx.schema[name]
	local pf = ctx.pf
	local got = {}
	if depth > 8 then
		return got, "messages nested too deep"
	end
	while off < limit do
		local start = off
		local tag, n = pb.varint(tvb, off, limit)
		if not tag then
			return got, string.format("tag cut short at offset %d", start)
		end
		off = off + n
		local wt = (tag % 8):tonumber()
		local num = (tag / 8):tonumber()
		if num == 0 or num >= 2 ^ 29 then
			return got, string.format("field number %s at offset %d", tostring(tag / 8),
				start)
		end
		local d = s[num]
		local len, vlen, val
		if wt == 0 then
			val, vlen = pb.varint(tvb, off, limit)
			if not val then
				return got, string.format("varint of field %d cut short at offset %d",
					num, off)
			end
		elseif wt == 1 or wt == 5 then
			vlen = wt == 1 and 8 or 4
			if off + vlen > limit then
				return got, string.format("field %d at offset %d: %d bytes expected",
					num, start, vlen)
			end
		elseif wt == 2 then
			len, n = pb.varint(tvb, off, limit)
			if not len then
				return got, string.format("length of field %d cut short at offset %d",
					num, off)
			end
			off = off + n
			if len > UInt64(limit - off) then
				return got, string.format("field %d at offset %d: length %s runs "
					.. "beyond the end of the message", num, start, tostring(len))
			end
			vlen = len:tonumber()
		else
			return got, string.format("field %d at offset %d has wire type %d", num,
				start, wt)
		end
		local r = tvb(off, vlen)
		if not d then
			tree:add(pf.unknown, tvb(start, off + vlen - start), num):append_text(
				string.format(" (wire type %d, skipped)", wt))
		else
			local fname, kind, key = d[1], d[2], d[3]
			local want = pb_wire[kind]
			if wt ~= want and not (d.repeated and wt == 2 and want == 0) then
				return got, string.format("field %s (%d) at offset %d has wire type %d, "
					.. "%d expected", fname, num, start, wt, want)
			end
			if kind == "msg" then
				local sub = tree:add(ctx.proto, tvb(start, off + vlen - start),
					ctx.labels[fname] or fname)
				local t, err = pb.decode(ctx, tvb, off, off + vlen, key, sub, depth + 1)
				if t.id then
					sub:append_text(" " .. tostring(t.id))
				end
				if d.repeated then
					got[fname] = got[fname] or {}
					table.insert(got[fname], t)
				else
					got[fname] = t
				end
				if err then
					return got, err
				end
			elseif wt == 2 and want == 0 then
				-- packed repeated varints
				local q = off
				got[fname] = got[fname] or {}
				while q < off + vlen do
					local v, m = pb.varint(tvb, q, off + vlen)
					if not v then
						return got, string.format("packed field %s at offset %d cut "
							.. "short", fname, q)
					end
					if kind == "uint32" and v > UInt64(0xffffffff) then
						return got, string.format("packed field %s at offset %d: %s does "
							.. "not fit 32 bits", fname, q, tostring(v))
					end
					tree:add(pf[key], tvb(q, m), v:tonumber())
					table.insert(got[fname], pb_value(kind, v))
					q = q + m
				end
			elseif kind == "string" then
				local text = vlen > 0 and r:string(ENC_UTF_8) or ""
				tree:add(pf[key], r, text)
				got[fname] = text
			elseif kind == "bytes" then
				tree:add(pf[key], r)
				got[fname] = vlen > 0 and r:bytes():tohex(true, ctx.hex_sep) or ""
			elseif kind == "double" then
				local x = r:le_float()
				tree:add(pf[key], r, x)
				got[fname] = x
			else
				if kind == "uint32" and val > UInt64(0xffffffff) then
					return got, string.format("field %s at offset %d: %s does not fit "
						.. "32 bits", fname, start, tostring(val))
				end
				if kind == "uint64" then
					tree:add(pf[key], r, val)
				elseif kind == "bool" then
					tree:add(pf[key], r, val ~= UInt64(0))
				else
					tree:add(pf[key], r, val:tonumber())
				end
				if d.repeated then
					got[fname] = got[fname] or {}
					table.insert(got[fname], pb_value(kind, val))
				else
					got[fname] = pb_value(kind, val)
				end
			end
		end
		off = off + vlen
	end
	return got, nil
end

------------------------------------------------------------------------
-- COMET header, version 1 (EtherType 0xCCCC)
--
-- The header of the stateless CAFE (doc/comet-header.md, D4.3 sections 5,
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

------------------------------------------------------------------------
-- CURLING: the coupled approach's messages (D4.3 chapter 6)
--
-- Added by the coupled approach (entities/curling/); the byte layouts are
-- the project's own, drawn in doc/curling.md section 4.  One UDP datagram
-- per message, big endian, IPv4 addresses:
--
--   offset size  field
--   0      2     magic          0x4355 "CU"
--   2      1     version        1
--   3      1     type           1 Announce, 2 Ack, 3 Configure, 4 Notify,
--                               5 Publish, 6 Consume, 7 ConsumeReply,
--                               8 Release, 9 Routes, 10 Content
--   4      2     length         the whole message
--   6      1     flags          Configure/Notify op, Consume/Content flags
--   7      1     reserved
--   8      ...   the type's fields (doc/curling.md)
--
-- Found by a heuristic on every UDP port: magic, version, type, a length
-- equal to the datagram's and a reserved byte of 0, as every sender
-- writes it.  Wireshark tries the dissector registered for a datagram's
-- lower port first and UDP heuristics only after both ports, so a
-- message to or from a port some other protocol owns (a client on 1001
-- is read as FIND) would not reach the heuristic: on the ports of the
-- project's scheme, 1000-3000, a wrapper takes the owner's place (below).
-- Elsewhere only UDP's "try heuristic sub-dissectors first"
-- (udp.try_heuristic_first) helps.  The plugin does not turn it on: that
-- preference is global, and Wireshark's own heuristics would then take
-- other protocols' datagrams (mDNS, LLMNR and NBNS read as DNS);
-- doc/wireshark.md says when to turn it on.  Also registered on UDP port
-- 3000, the CRMEs' port in the project's
-- scenarios.  A datagram that is not a CURLING message is left to the
-- other dissectors.  No sub-dissector is called: chunk data is shown as
-- bytes.
------------------------------------------------------------------------
do
	local CU_MAGIC = 0x4355
	local CU_HDR_LEN = 8

	local curling = Proto("curling", "COMET coupled approach (CURLING)")

	local type_names = {
		[1] = "Announce", [2] = "Ack", [3] = "Configure", [4] = "Notify",
		[5] = "Publish", [6] = "Consume", [7] = "ConsumeReply",
		[8] = "Release", [9] = "Routes", [10] = "Content",
	}
	local cfg_ops = { [1] = "add", [2] = "remove next hops", [3] = "remove content" }
	local notify_ops = { [1] = "create", [2] = "teardown" }
	local statuses = { [0] = "ok", [1] = "not_found", [2] = "loop", [3] = "no_path" }

	local pf = {
		magic = ProtoField.uint16("curling.magic", "Magic", base.HEX),
		version = ProtoField.uint8("curling.version", "Version", base.DEC),
		type = ProtoField.uint8("curling.type", "Type", base.DEC, type_names),
		length = ProtoField.uint16("curling.length", "Length", base.DEC),
		flags = ProtoField.uint8("curling.flags", "Flags", base.HEX),
		op = ProtoField.uint8("curling.op", "Operation", base.DEC),
		ro = ProtoField.bool("curling.ro", "Route optimisation", 8, nil, 0x01),
		last_chunk = ProtoField.bool("curling.last_chunk", "Last chunk", 8, nil, 0x01),
		content_id = ProtoField.string("curling.content_id", "ContentID"),
		token = ProtoField.uint32("curling.token", "Token", base.DEC),
		acked_type = ProtoField.uint8("curling.acked_type", "Acknowledged type",
			base.DEC, type_names),
		cafe = ProtoField.ipv4("curling.cafe", "CAFE"),
		cafe_port = ProtoField.uint16("curling.cafe_port", "CAFE port", base.DEC),
		nlinks = ProtoField.uint8("curling.nlinks", "Inter-domain links", base.DEC),
		part = ProtoField.uint8("curling.part", "Part of the links", base.DEC),
		link_cafe = ProtoField.ipv4("curling.link.cafe", "Neighbour CAFE"),
		link_cafe_port = ProtoField.uint16("curling.link.cafe_port", "Neighbour CAFE port",
			base.DEC),
		link_crme = ProtoField.ipv4("curling.link.crme", "Neighbour CRME"),
		nhops = ProtoField.uint8("curling.nhops", "Next hops", base.DEC),
		hop = ProtoField.ipv4("curling.hop", "Next hop"),
		hop_port = ProtoField.uint16("curling.hop_port", "Next hop port", base.DEC),
		src = ProtoField.ipv4("curling.src", "Content source"),
		src_port = ProtoField.uint16("curling.src_port", "Content source port", base.DEC),
		prev = ProtoField.ipv4("curling.prev", "Previous hop"),
		prev_port = ProtoField.uint16("curling.prev_port", "Previous hop port", base.DEC),
		src_cafe = ProtoField.ipv4("curling.src_cafe", "Server's CAFE"),
		src_cafe_port = ProtoField.uint16("curling.src_cafe_port", "Server's CAFE port",
			base.DEC),
		size = ProtoField.uint64("curling.size", "Content size", base.DEC),
		reqid = ProtoField.uint32("curling.reqid", "Request id", base.DEC),
		client = ProtoField.ipv4("curling.client", "Client"),
		client_port = ProtoField.uint16("curling.client_port", "Client port", base.DEC),
		client_cafe = ProtoField.ipv4("curling.client_cafe", "Client's CAFE"),
		client_cafe_port = ProtoField.uint16("curling.client_cafe_port",
			"Client's CAFE port", base.DEC),
		first = ProtoField.uint32("curling.first", "First chunk", base.DEC),
		last = ProtoField.uint32("curling.last", "Last chunk", base.DEC),
		npath = ProtoField.uint8("curling.npath", "CRMEs on the path", base.DEC),
		path = ProtoField.ipv4("curling.path", "CRME"),
		status = ProtoField.uint8("curling.status", "Status", base.DEC, statuses),
		nchunks = ProtoField.uint32("curling.nchunks", "Chunks", base.DEC),
		nroutes = ProtoField.uint16("curling.nroutes", "Routes", base.DEC),
		route_prefix = ProtoField.ipv4("curling.route.prefix", "Prefix"),
		route_plen = ProtoField.uint8("curling.route.plen", "Prefix length", base.DEC),
		route_npath = ProtoField.uint8("curling.route.npath", "Path length", base.DEC),
		route_path = ProtoField.ipv4("curling.route.path", "Path CRME"),
		datalen = ProtoField.uint16("curling.datalen", "Data length", base.DEC),
		seq = ProtoField.uint32("curling.seq", "Sequence number", base.DEC),
		tx = ProtoField.uint32("curling.tx", "Transmission", base.DEC),
		nojoin = ProtoField.bool("curling.nojoin", "Repair (not served from a flow)", 8, nil,
			0x02),
		newtx = ProtoField.bool("curling.newtx", "A new transmission will come", 8, nil,
			0x80),
		offset = ProtoField.uint64("curling.offset", "Offset", base.DEC),
		data = ProtoField.bytes("curling.data", "Data"),
	}
	local fl = {}
	for _, f in pairs(pf) do
		fl[#fl + 1] = f
	end
	curling.fields = fl

	local ex = {
		malformed = ProtoExpert.new("curling.expert.malformed",
			"Malformed CURLING message", expert.group.MALFORMED, expert.severity.ERROR),
		bad_id = ProtoExpert.new("curling.expert.bad_content_id",
			"ContentID not 1-64 printable characters without '/'",
			expert.group.MALFORMED, expert.severity.ERROR),
		bad_field = ProtoExpert.new("curling.expert.bad_field",
			"Field out of range", expert.group.PROTOCOL, expert.severity.WARN),
	}
	curling.experts = { ex.malformed, ex.bad_id, ex.bad_field }

	-- Whether tvb starts a CURLING message: magic, version, type, and a
	-- length equal to the datagram's.
	local function looks_like(tvb)
		local n = tvb:reported_length_remaining()
		if n < CU_HDR_LEN or tvb:captured_len() < CU_HDR_LEN then
			return false
		end
		if tvb(0, 2):uint() ~= CU_MAGIC or tvb(2, 1):uint() ~= 1 then
			return false
		end
		local t = tvb(3, 1):uint()
		return t >= 1 and t <= 10 and tvb(4, 2):uint() == n
	end

	-- The body of one message.  `c` is a cursor: c.off the next byte,
	-- c.fail set when a field would pass the end (the rest is not shown).
	local function dissect_body(tvb, pinfo, tree, mtype, flags)
		local c = { off = CU_HDR_LEN, fail = false }
		local len = tvb:captured_len()

		local function take(n)
			if c.fail or c.off + n > len then
				c.fail = true
				return nil
			end
			local r = tvb(c.off, n)
			c.off = c.off + n
			return r
		end
		local function add(f, n, t)
			local r = take(n)
			if r then
				return (t or tree):add(f, r), r
			end
			return nil, nil
		end
		local function hop(faddr, fport, t)
			local _, a = add(faddr, 4, t)
			local _, p = add(fport, 2, t)
			if a and p then
				return string.format("%s:%d", tostring(a:ipv4()), p:uint())
			end
			return "?"
		end
		local function content_id()
			local r = take(1)
			if not r then
				return "?"
			end
			local n = r:uint()
			local s = take(n)
			if not s then
				return "?"
			end
			local id = s:string()
			local item = tree:add(pf.content_id, s)
			if n == 0 or n > 64 or id:find("[^!-~]") or id:find("/", 1, true) then
				item:add_proto_expert_info(ex.bad_id)
			end
			return id
		end
		local function count_list(fcount, each)
			local _, r = add(fcount, 1)
			if not r then
				return 0
			end
			for i = 1, r:uint() do
				if c.fail then
					break
				end
				each(i)
			end
			return r:uint()
		end

		local info = type_names[mtype]
		if mtype == 1 then
			add(pf.token, 4)
			local me = hop(pf.cafe, pf.cafe_port)
			local _, r = add(pf.nlinks, 1)
			local _, pr = add(pf.part, 1)
			local n = r and r:uint() or 0
			local part = pr and pr:uint() or 0
			for i = 1, n do
				if c.fail then
					break
				end
				local lt = tree:add(curling, tvb(c.off, math.min(10, len - c.off)),
					string.format("Link %d", i))
				add(pf.link_cafe, 4, lt)
				add(pf.link_cafe_port, 2, lt)
				add(pf.link_crme, 4, lt)
			end
			info = string.format("Announce from CAFE %s, %d link%s%s", me, n, n == 1 and "" or "s",
				part > 0 and string.format(" (part %d)", part) or "")
		elseif mtype == 2 then
			local _, at = add(pf.acked_type, 1)
			local _, pr = add(pf.part, 1)
			take(2)
			add(pf.token, 4)
			local part = pr and pr:uint() or 0
			info = string.format("Ack of %s%s", at and (type_names[at:uint()] or "?") or "?",
				part > 0 and string.format(" (part %d)", part) or "")
		elseif mtype == 3 then
			tree:add(pf.op, tvb(6, 1), flags % 16)
			tree:add(pf.newtx, tvb(6, 1))
			local newtx = flags >= 128
			flags = flags % 16
			if cfg_ops[flags] == nil then
				tree:add_proto_expert_info(ex.bad_field, "Unknown Configure operation")
			end
			local id = content_id()
			local hops = {}
			count_list(pf.nhops, function()
				hops[#hops + 1] = hop(pf.hop, pf.hop_port)
			end)
			info = string.format("Configure (%s%s) %s%s%s", cfg_ops[flags] or "?",
				newtx and ", new transmission" or "", id,
				#hops > 0 and " -> " or "", table.concat(hops, " "))
		elseif mtype == 4 then
			tree:add(pf.op, tvb(6, 1))
			local src = hop(pf.src, pf.src_port)
			local prev = hop(pf.prev, pf.prev_port)
			local id = content_id()
			count_list(pf.nhops, function()
				hop(pf.hop, pf.hop_port)
			end)
			info = string.format("Notify (%s) %s from %s, previous hop %s",
				notify_ops[flags] or "?", id, src, prev)
		elseif mtype == 5 then
			add(pf.token, 4)
			local src = hop(pf.src, pf.src_port)
			hop(pf.src_cafe, pf.src_cafe_port)
			local _, sz = add(pf.size, 8)
			local id = content_id()
			info = string.format("Publish %s (%s bytes) at %s", id,
				sz and tostring(sz:uint64()) or "?", src)
		elseif mtype == 6 then
			tree:add(pf.ro, tvb(6, 1))
			tree:add(pf.nojoin, tvb(6, 1))
			add(pf.reqid, 4)
			local cl = hop(pf.client, pf.client_port)
			hop(pf.client_cafe, pf.client_cafe_port)
			local _, f = add(pf.first, 4)
			local _, l = add(pf.last, 4)
			local id = content_id()
			count_list(pf.npath, function()
				add(pf.path, 4)
			end)
			local range = ""
			if f and l and (f:uint() ~= 0 or l:uint() ~= 0xffffffff) then
				range = string.format(" chunks %d-%d", f:uint(), l:uint())
			end
			info = string.format("Consume%s%s %s for %s%s",
				(flags % 2 == 1) and " (route optimisation)" or "",
				(math.floor(flags / 2) % 2 == 1) and " (repair)" or "", id, cl, range)
		elseif mtype == 7 then
			add(pf.reqid, 4)
			local cl = hop(pf.client, pf.client_port)
			local _, st = add(pf.status, 1)
			take(1)
			add(pf.size, 8)
			add(pf.nchunks, 4)
			local id = content_id()
			info = string.format("ConsumeReply %s for %s: %s", id, cl,
				st and (statuses[st:uint()] or "?") or "?")
		elseif mtype == 8 then
			info = "Release " .. content_id()
		elseif mtype == 9 then
			local _, r = add(pf.nroutes, 2)
			local n = r and r:uint() or 0
			for i = 1, n do
				if c.fail then
					break
				end
				local start = c.off
				local rt = tree:add(curling, tvb(start, math.min(6, len - start)),
					string.format("Route %d", i))
				add(pf.route_prefix, 4, rt)
				add(pf.route_plen, 1, rt)
				local _, m = add(pf.route_npath, 1, rt)
				for _ = 1, (m and m:uint() or 0) do
					add(pf.route_path, 4, rt)
				end
				if not c.fail then
					rt:set_len(c.off - start)
				end
			end
			info = string.format("Routes, %d route%s", n, n == 1 and "" or "s")
		elseif mtype == 10 then
			tree:add(pf.last_chunk, tvb(6, 1))
			local src = hop(pf.src, pf.src_port)
			local _, dl = add(pf.datalen, 2)
			local _, txn = add(pf.tx, 4)
			local _, sq = add(pf.seq, 4)
			local _, nc = add(pf.nchunks, 4)
			add(pf.size, 8)
			add(pf.offset, 8)
			local id = content_id()
			if dl and dl:uint() > 0 then
				add(pf.data, dl:uint())
			end
			info = string.format("Content %s chunk %s/%s from %s transmission %s%s", id,
				sq and tostring(sq:uint()) or "?", nc and tostring(nc:uint()) or "?", src,
				txn and tostring(txn:uint()) or "?", (flags % 2 == 1) and " (last)" or "")
		end
		if c.fail or c.off ~= len then
			tree:add_proto_expert_info(ex.malformed, c.fail and
				"Message shorter than its fields" or
				string.format("%d bytes after the last field", len - c.off))
			info = info .. " [malformed]"
		end
		return info
	end

	function curling.dissector(tvb, pinfo, tree)
		if not looks_like(tvb) then
			return 0
		end
		local len = tvb:captured_len()
		pinfo.cols.protocol = "CURLING"
		local root = tree:add(curling, tvb(0, len))
		root:add(pf.magic, tvb(0, 2))
		root:add(pf.version, tvb(2, 1))
		root:add(pf.type, tvb(3, 1))
		root:add(pf.length, tvb(4, 2))
		root:add(pf.flags, tvb(6, 1))
		local mtype = tvb(3, 1):uint()
		local ok, info = pcall(dissect_body, tvb, pinfo, root, mtype, tvb(6, 1):uint())
		if not ok then
			root:add_proto_expert_info(ex.malformed, "Cannot decode: " .. tostring(info))
			info = (type_names[mtype] or "?") .. " [malformed]"
		end
		pinfo.cols.info = info
		root:append_text(", " .. info)
		return len
	end

	-- The heuristic is tried on every UDP datagram before the port
	-- tables: it also wants the reserved byte 0.
	local function heuristic(tvb, pinfo, tree)
		if not looks_like(tvb) or tvb(7, 1):uint() ~= 0 then
			return false
		end
		curling.dissector(tvb, pinfo, tree)
		return true
	end

	curling:register_heuristic("udp", heuristic)
	local udp_port = DissectorTable.get("udp.port")
	udp_port:add(3000, curling)

	-- The ports of the project's scheme (doc/curling.md): requesters and
	-- servers from 1000 (a ContentClient's clients=N, at most 1000, take
	-- 1000-1999), CAFEs on 2000, CRMEs on 3000.  Where another protocol's
	-- dissector holds one of them (1001 FIND, 1900 SSDP, ...), a wrapper
	-- takes its place: a CURLING message is CURLING, anything else goes
	-- to the dissector that held the port, with its return value, so
	-- that UDP goes on as before when that one declines.  The wrapper
	-- adds no tree item; frame.protocols shows its layer, curling_port,
	-- before the one that decoded the datagram.  Only registrations made
	-- before the plugin is loaded are wrapped (every built-in one).
	local CU_PORT_FIRST, CU_PORT_LAST = 1000, 3000
	local held = {}
	local cuport = Proto("curling_port", "CURLING or the port's own protocol")
	function cuport.dissector(tvb, pinfo, tree)
		if looks_like(tvb) and tvb(7, 1):uint() == 0 then
			return curling.dissector(tvb, pinfo, tree)
		end
		local d = held[pinfo.match_uint]
		if d == nil then
			return 0
		end
		return d:call(tvb, pinfo, tree)
	end
	for p = CU_PORT_FIRST, CU_PORT_LAST do
		local d = udp_port:get_dissector(p)
		if d ~= nil and p ~= 3000 then
			held[p] = d
			udp_port:add(p, cuport)
		end
	end
end

------------------------------------------------------------------------
-- RAE: the inter-RAE protocol and the RAE-CME interface
--
-- (entities/rae, doc/rae.md "The inter-RAE protocol"; D4.3 sections 4.2.2
-- and 4.2.3.)  Over TCP, every message is a 5-byte header and a protobuf
-- body:
--
--   offset size   field
--   0      1      type     1 Open, 2 Keepalive, 3 Update, 4 Withdraw,
--                          5 Refresh (rae.proto), 16 GenericRequest, 17 Reply
--                          (cmerae.proto)
--   1      4      length   of the body, big endian
--   5      length body     the protobuf message of the type
--
-- Registered on TCP ports 10001 (the RAEs of the project's scenarios and
-- of D4.3 Appendix A) and 9090 (the CME).  Messages split across TCP
-- segments are reassembled (dissect_tcp_pdus); each whole body goes to
-- Wireshark's protobuf dissector with the message type set, so every
-- field shows, and is filterable as pbf.*, when Wireshark is told where
-- the .proto files are:
--   -o 'uat:protobuf_search_paths:"<src>/entities/rae","TRUE"'
--   -o protobuf.pbf_as_hf:TRUE -o protobuf.preload_protos:TRUE
-- A header with an unknown type or a length beyond 16 MiB (where the RAE
-- itself resets the session) cannot be resynchronised: the rest of the
-- segment is shown as malformed.
------------------------------------------------------------------------
do
	local RAE_HDR_LEN = 5
	local RAE_MAX_BODY = 16 * 1024 * 1024

	local rae = Proto("rae", "COMET RAE messages")

	local type_names = {
		[1] = "Open", [2] = "Keepalive", [3] = "Update", [4] = "Withdraw",
		[5] = "Refresh", [16] = "GenericRequest", [17] = "Reply",
	}
	local pb_types = {
		[1] = "comet.rae.Open", [2] = "comet.rae.Keepalive",
		[3] = "comet.rae.Update", [4] = "comet.rae.Withdraw", [5] = "comet.rae.Refresh",
		[16] = "comet.cmerae.GenericRequest", [17] = "comet.cmerae.Reply",
	}

	local f_type = ProtoField.uint8("rae.type", "Type", base.DEC, type_names)
	local f_length = ProtoField.uint32("rae.length", "Body length", base.DEC)
	local f_body = ProtoField.bytes("rae.body", "Body")
	rae.fields = { f_type, f_length, f_body }

	local ex = {
		bad_type = ProtoExpert.new("rae.bad_type", "Unknown RAE message type",
			expert.group.MALFORMED, expert.severity.ERROR),
		too_long = ProtoExpert.new("rae.too_long", "Body longer than 16 MiB",
			expert.group.MALFORMED, expert.severity.ERROR),
		body = ProtoExpert.new("rae.body_failed", "The protobuf body could not be decoded",
			expert.group.MALFORMED, expert.severity.WARN),
	}
	rae.experts = { ex.bad_type, ex.too_long, ex.body }

	local protobuf = Dissector.get("protobuf")

	-- The length of the message at offset; a header that cannot be true
	-- takes the rest of the data, which is then shown as malformed.
	local function pdu_len(tvb, pinfo, offset)
		local mtype = tvb(offset, 1):uint()
		local blen = tvb(offset + 1, 4):uint()

		if not type_names[mtype] or blen > RAE_MAX_BODY then
			return tvb:len() - offset
		end
		return RAE_HDR_LEN + blen
	end

	local function dissect_pdu(tvb, pinfo, tree)
		local len = tvb:len()
		local mtype = tvb(0, 1):uint()
		local blen = tvb(1, 4):uint()
		local name = type_names[mtype]
		local root = tree:add(rae, tvb(), "COMET RAE")

		pinfo.cols.protocol = "RAE"
		root:add(f_type, tvb(0, 1))
		root:add(f_length, tvb(1, 4))
		if not name then
			root:add_proto_expert_info(ex.bad_type)
			pinfo.cols.info:append(" [bad type " .. mtype .. "]")
			return len
		end
		if blen > RAE_MAX_BODY or len < RAE_HDR_LEN + blen then
			root:add_proto_expert_info(ex.too_long)
			pinfo.cols.info:append(" [" .. name .. ", bad length " .. blen .. "]")
			return len
		end
		root:append_text(", " .. name .. ", " .. blen .. " bytes")
		pinfo.cols.info:append(" " .. name)
		if blen > 0 then
			local body = tvb(RAE_HDR_LEN, blen)

			if protobuf then
				pinfo.private["pb_msg_type"] = "message," .. pb_types[mtype]
				local used, err = call_dissector_safely(protobuf, body:tvb(), pinfo, root)
				if not used then
					root:add_proto_expert_info(ex.body, "Protobuf: " .. err)
				end
			else
				root:add(f_body, body)
			end
		end
		return RAE_HDR_LEN + blen
	end

	function rae.dissector(tvb, pinfo, tree)
		if tvb:len() == 0 then
			return 0
		end
		dissect_tcp_pdus(tvb, tree, RAE_HDR_LEN, pdu_len, dissect_pdu, true)
		return tvb:len()
	end

	local tcp_port = DissectorTable.get("tcp.port")
	tcp_port:add(10001, rae)
	tcp_port:add(9090, rae)
end

------------------------------------------------------------------------
-- CME-CAFE: the CAFE management agent's messages
--
-- (entities/cafe/agent.c, entities/cafe/cmecafe.proto, doc/cafe-agent.md;
-- D4.3 sections 5.2.3 and 5.3.4, Appendix B.)  Over TCP, both ways, every
-- message is a 2-byte length and a protobuf body:
--
--   offset size   field
--   0      2      length   of the body, big endian (0..65535)
--   2      length body     to the agent's port: a GenericRequest;
--                          from it: a GenericResponse
--
-- Registered on TCP port 9999 (Appendix B's; preference cmecafe.port).
-- Messages split across segments or several in one segment are handled
-- by dissect_tcp_pdus.  The body is decoded here, by hand, against the
-- schema of cmecafe.proto written out below, rather than handed to
-- Wireshark's protobuf dissector: every field then shows and filters as
-- cmecafe.* without any .proto search path or preference, and a body
-- that is not what it should be (a tag, wire type, length or varint that
-- cannot be) is an expert error naming the place, never an exception.
-- No sub-dissector is called.  cmecafe.summary, a generated one-line
-- text per message, is meant for tshark -T fields.
------------------------------------------------------------------------
do
	local HDR_LEN = 2

	local cmecafe = Proto("cmecafe", "COMET CME-CAFE agent protocol")
	cmecafe.prefs.port = Pref.uint("TCP port", 9999,
		"The agent's TCP port: messages to it are GenericRequests, from it GenericResponses")

	local req_types = { [1] = "CONFIGURE_STREAM", [2] = "COLLECT_EXPIRED_STREAMS" }
	local statuses = { [0] = "CAFE_SUCCESS", [1] = "CAFE_FAILURE" }

	local pf = {
		length = ProtoField.uint16("cmecafe.length", "Length", base.DEC, nil, nil,
			"Bytes of the protobuf body"),
		message = ProtoField.string("cmecafe.message", "Message"),
		summary = ProtoField.string("cmecafe.summary", "Summary"),
		unknown = ProtoField.uint32("cmecafe.unknown_field", "Unknown field", base.DEC),
		-- GenericRequest
		type = ProtoField.uint32("cmecafe.type", "Type", base.DEC, req_types),
		["configure.id"] = ProtoField.uint32("cmecafe.configure.id", "Stream id", base.DEC),
		["filter.ip_source"] = ProtoField.string("cmecafe.configure.filter.ip_source",
			"Source address"),
		["filter.ip_destination"] = ProtoField.string(
			"cmecafe.configure.filter.ip_destination", "Destination address"),
		["filter.protocol"] = ProtoField.uint32("cmecafe.configure.filter.protocol",
			"Protocol", base.DEC),
		["filter.port_source"] = ProtoField.uint32("cmecafe.configure.filter.port_source",
			"Source port", base.DEC),
		["filter.port_destination"] = ProtoField.uint32(
			"cmecafe.configure.filter.port_destination", "Destination port", base.DEC),
		["configure.bandwidth"] = ProtoField.uint64("cmecafe.configure.bandwidth",
			"Bandwidth", base.DEC),
		["configure.cos"] = ProtoField.string("cmecafe.configure.cos", "Class of service"),
		["configure.key"] = ProtoField.bytes("cmecafe.configure.key", "Keys", base.SPACE,
			"Forwarding keys in path order"),
		["configure.refresh_time"] = ProtoField.uint32("cmecafe.configure.refresh_time",
			"Refresh time (s)", base.DEC),
		["configure.as_path"] = ProtoField.uint32("cmecafe.configure.as_path", "AS",
			base.DEC),
		-- GenericResponse
		status = ProtoField.uint32("cmecafe.status", "Status", base.DEC, statuses),
		reason = ProtoField.string("cmecafe.reason", "Reason"),
		["response.type"] = ProtoField.uint32("cmecafe.response.type", "Request type",
			base.DEC, req_types),
		["response.id"] = ProtoField.uint32("cmecafe.response.id", "Stream id", base.DEC),
		more = ProtoField.bool("cmecafe.more", "More records waiting"),
		["expired.id"] = ProtoField.uint32("cmecafe.expired.id", "Stream id", base.DEC),
		["expired.ip_source"] = ProtoField.string("cmecafe.expired.ip_source",
			"Source address"),
		["expired.ip_destination"] = ProtoField.string("cmecafe.expired.ip_destination",
			"Destination address"),
		["expired.protocol"] = ProtoField.uint32("cmecafe.expired.protocol", "Protocol",
			base.DEC),
		["expired.port_source"] = ProtoField.uint32("cmecafe.expired.port_source",
			"Source port", base.DEC),
		["expired.port_destination"] = ProtoField.uint32("cmecafe.expired.port_destination",
			"Destination port", base.DEC),
		["expired.bandwidth"] = ProtoField.uint64("cmecafe.expired.bandwidth", "Bandwidth",
			base.DEC),
		["expired.cos"] = ProtoField.string("cmecafe.expired.cos", "Class of service"),
		["expired.as_path"] = ProtoField.uint32("cmecafe.expired.as_path", "AS", base.DEC),
		["expired.transferred_bytes"] = ProtoField.uint64(
			"cmecafe.expired.transferred_bytes", "Transferred bytes", base.DEC),
		["expired.duration"] = ProtoField.uint64("cmecafe.expired.duration",
			"Duration (ns)", base.DEC),
		["expired.packets"] = ProtoField.uint64("cmecafe.expired.packets", "Packets",
			base.DEC),
		["expired.expired_at"] = ProtoField.uint64("cmecafe.expired.expired_at",
			"Expired at (ns of virtual time)", base.DEC),
	}
	local fl = {}
	for _, f in pairs(pf) do
		fl[#fl + 1] = f
	end
	cmecafe.fields = fl

	local ex = {
		malformed = ProtoExpert.new("cmecafe.expert.malformed",
			"Malformed CME-CAFE message", expert.group.MALFORMED, expert.severity.ERROR),
		failure = ProtoExpert.new("cmecafe.expert.failure",
			"The agent answered CAFE_FAILURE", expert.group.RESPONSE_CODE,
			expert.severity.NOTE),
	}
	cmecafe.experts = { ex.malformed, ex.failure }

	-- cmecafe.proto written out: field number -> name, kind, the field
	-- key in pf (scalars), the message (kind "msg"), repeated or not.
	local schema = {
		Filter = {
			[1] = { "ip_source", "string", "filter.ip_source" },
			[2] = { "ip_destination", "string", "filter.ip_destination" },
			[3] = { "protocol", "uint32", "filter.protocol" },
			[4] = { "port_source", "uint32", "filter.port_source" },
			[5] = { "port_destination", "uint32", "filter.port_destination" },
		},
		ConfigureStream = {
			[1] = { "id", "uint32", "configure.id" },
			[2] = { "filter", "msg", "Filter" },
			[3] = { "bandwidth", "uint64", "configure.bandwidth" },
			[4] = { "cos", "string", "configure.cos" },
			[5] = { "key", "bytes", "configure.key" },
			[6] = { "refresh_time", "uint32", "configure.refresh_time" },
			[7] = { "as_path", "uint32", "configure.as_path", repeated = true },
		},
		GenericRequest = {
			[1] = { "type", "uint32", "type" },
			[2] = { "configure", "msg", "ConfigureStream" },
		},
		ExpiredStream = {
			[1] = { "id", "uint32", "expired.id" },
			[2] = { "ip_source", "string", "expired.ip_source" },
			[3] = { "ip_destination", "string", "expired.ip_destination" },
			[4] = { "protocol", "uint32", "expired.protocol" },
			[5] = { "port_source", "uint32", "expired.port_source" },
			[6] = { "port_destination", "uint32", "expired.port_destination" },
			[7] = { "bandwidth", "uint64", "expired.bandwidth" },
			[8] = { "cos", "string", "expired.cos" },
			[9] = { "as_path", "uint32", "expired.as_path", repeated = true },
			[10] = { "transferred_bytes", "uint64", "expired.transferred_bytes" },
			[11] = { "duration", "uint64", "expired.duration" },
			[12] = { "packets", "uint64", "expired.packets" },
			[13] = { "expired_at", "uint64", "expired.expired_at" },
		},
		GenericResponse = {
			[1] = { "status", "uint32", "status" },
			[2] = { "reason", "string", "reason" },
			[3] = { "type", "uint32", "response.type" },
			[4] = { "id", "uint32", "response.id" },
			[5] = { "expired_streams", "msg", "ExpiredStream", repeated = true },
			[6] = { "more", "bool", "more" },
		},
	}
	local labels = { filter = "Filter", configure = "Configure stream",
		expired_streams = "Expired stream" }

	local ctx = { schema = schema, pf = pf, proto = cmecafe, labels = labels, hex_sep = " " }
	local function decode(tvb, off, limit, name, tree)
		return pb.decode(ctx, tvb, off, limit, name, tree, 0)
	end

	local function clean(s)
		return (tostring(s):gsub("[;|\r\n]", ","))
	end

	-- The one-line summary of a decoded message.
	local function summarize(is_req, g)
		if is_req then
			local t = req_types[g.type] or (g.type and ("type " .. g.type) or "no type")
			local s = "GenericRequest " .. t
			local c = g.configure
			if c then
				s = s .. " id=" .. tostring(c.id or "none")
				local f = c.filter or {}
				s = s .. string.format(" filter=%s>%s/%s/%s>%s", f.ip_source or "*",
					f.ip_destination or "*", tostring(f.protocol or 0),
					tostring(f.port_source or 0), tostring(f.port_destination or 0))
				s = s .. " bandwidth=" .. tostring(c.bandwidth or 0)
				s = s .. " cos=" .. tostring(c.cos or "none")
				s = s .. " keys=" .. (c.key and c.key ~= "" and c.key:gsub(" ", "") or "none")
				s = s .. " refresh=" .. tostring(c.refresh_time or 0)
				s = s .. " as_path=" .. (c.as_path and table.concat(c.as_path, ",") or "none")
			end
			return clean(s)
		end
		local s = "GenericResponse " .. (statuses[g.status] or
			(g.status and ("status " .. g.status) or "no status"))
		if g.type then
			s = s .. " " .. (req_types[g.type] or ("type " .. g.type))
		end
		if g.id then
			s = s .. " id=" .. g.id
		end
		if g.expired_streams or g.type == 2 then
			s = s .. " records=" .. #(g.expired_streams or {})
			local ids = {}
			for _, r in ipairs(g.expired_streams or {}) do
				ids[#ids + 1] = tostring(r.id or "?")
			end
			if #ids > 0 then
				s = s .. " ids=" .. table.concat(ids, ",")
			end
			s = s .. " more=" .. tostring(g.more and true or false)
		end
		if g.reason then
			s = s .. " reason=" .. g.reason
		end
		return clean(s)
	end

	local pdus_in_frame = 0

	local function pdu_len(tvb, pinfo, offset)
		return HDR_LEN + tvb(offset, 2):uint()
	end

	local function dissect_pdu(tvb, pinfo, tree)
		local blen = tvb(0, 2):uint()
		local is_req = pinfo.dst_port == cmecafe.prefs.port
		local name = is_req and "GenericRequest" or "GenericResponse"
		local root = tree:add(cmecafe, tvb(0, HDR_LEN + blen))

		pinfo.cols.protocol = "CMECAFE"
		root:add(pf.length, tvb(0, 2))
		root:add(pf.message, tvb(0, 2), name):set_generated()
		local ok, got, err = pcall(decode, tvb, HDR_LEN, HDR_LEN + blen, name, root)
		if not ok then
			err, got = tostring(got), {}
		end
		local sum = summarize(is_req, got or {})
		if err then
			root:add_proto_expert_info(ex.malformed, "Malformed " .. name .. ": " .. err)
			sum = sum .. " [malformed: " .. clean(err) .. "]"
		elseif not is_req and got.status == 1 then
			root:add_proto_expert_info(ex.failure, "CAFE_FAILURE: " ..
				tostring(got.reason or "no reason"))
		end
		root:add(pf.summary, tvb(0, 2), sum):set_generated()
		root:append_text(", " .. sum)
		if pdus_in_frame == 0 then
			pinfo.cols.info = sum
		else
			pinfo.cols.info:append(" | " .. sum)
		end
		pdus_in_frame = pdus_in_frame + 1
		return HDR_LEN + blen
	end

	function cmecafe.dissector(tvb, pinfo, tree)
		if tvb:len() == 0 then
			return 0
		end
		pdus_in_frame = 0
		dissect_tcp_pdus(tvb, tree, HDR_LEN, pdu_len, dissect_pdu, true)
		return tvb:len()
	end

	local registered_port = nil
	local function register()
		local t = DissectorTable.get("tcp.port")
		if registered_port then
			t:remove(registered_port, cmecafe)
		end
		registered_port = cmecafe.prefs.port
		t:add(registered_port, cmecafe)
	end
	function cmecafe.prefs_changed()
		if registered_port ~= cmecafe.prefs.port then
			register()
		end
	end
	register()
end

------------------------------------------------------------------------
-- CME client: the content request interface of the CME
--
-- (entities/cme/cmeclient.proto, entities/cme/content.c,
-- doc/content-apps.md.)  Over UDP, one protobuf message per datagram, no
-- header: to the CME's client port a ContentRequest, from it a
-- ContentReply.
--
-- Registered on UDP port 9091 (preference cmeclient.port).  The body is
-- decoded by hand against the two messages written out below, as the
-- CME-CAFE section does, so every field filters as cmeclient.* without a
-- .proto search path; a datagram that is not a well-formed message (a
-- tag, wire type, length or varint that cannot be) is an expert error
-- naming the offset, never an exception.  A refusal is an expert note.
-- cmeclient.summary is one generated line per message, for -T fields.
------------------------------------------------------------------------
do
	local cmeclient = Proto("cmeclient", "COMET CME client protocol")
	cmeclient.prefs.port = Pref.uint("UDP port", 9091,
		"The CME's client port: datagrams to it are ContentRequests, from it ContentReplies")

	local statuses = { [0] = "ACCEPTED", [1] = "REFUSED" }

	local pf = {
		message = ProtoField.string("cmeclient.message", "Message"),
		summary = ProtoField.string("cmeclient.summary", "Summary"),
		unknown = ProtoField.uint32("cmeclient.unknown_field", "Unknown field", base.DEC),
		sequence = ProtoField.uint64("cmeclient.sequence", "Sequence", base.DEC),
		-- ContentRequest
		content = ProtoField.string("cmeclient.content", "Content"),
		cos = ProtoField.uint32("cmeclient.cos", "Class of service", base.DEC),
		bandwidth = ProtoField.uint64("cmeclient.bandwidth", "Bandwidth (bit/s)", base.DEC),
		port = ProtoField.uint32("cmeclient.port", "Client port", base.DEC),
		protocol = ProtoField.uint32("cmeclient.protocol", "Protocol", base.DEC),
		-- ContentReply
		status = ProtoField.uint32("cmeclient.status", "Status", base.DEC, statuses),
		reason = ProtoField.string("cmeclient.reason", "Reason"),
		server = ProtoField.string("cmeclient.server", "Server address"),
		server_port = ProtoField.uint32("cmeclient.server_port", "Server port", base.DEC),
		size = ProtoField.uint64("cmeclient.size", "Content size (bytes)", base.DEC),
		stream_id = ProtoField.uint32("cmeclient.stream_id", "Stream id", base.DEC),
		as_path = ProtoField.uint32("cmeclient.as_path", "AS", base.DEC),
		keys = ProtoField.bytes("cmeclient.keys", "Keys", base.SPACE,
			"Forwarding keys put on the stream"),
		score = ProtoField.double("cmeclient.score", "Score"),
		server_as = ProtoField.uint32("cmeclient.server_as", "Server AS", base.DEC),
	}
	local fl = {}
	for _, f in pairs(pf) do
		fl[#fl + 1] = f
	end
	cmeclient.fields = fl

	local ex = {
		malformed = ProtoExpert.new("cmeclient.expert.malformed",
			"Malformed CME client message", expert.group.MALFORMED, expert.severity.ERROR),
		refused = ProtoExpert.new("cmeclient.expert.refused",
			"The CME refused the request", expert.group.RESPONSE_CODE,
			expert.severity.NOTE),
	}
	cmeclient.experts = { ex.malformed, ex.refused }

	-- cmeclient.proto written out for pb.decode: field number -> { field
	-- name, kind, field key in pf }.  as_path is the only repeated field.
	local messages = {
		ContentRequest = {
			[1] = { "sequence", "uint64", "sequence" },
			[2] = { "content", "string", "content" },
			[3] = { "cos", "uint32", "cos" },
			[4] = { "bandwidth", "uint64", "bandwidth" },
			[5] = { "port", "uint32", "port" },
			[6] = { "protocol", "uint32", "protocol" },
		},
		ContentReply = {
			[1] = { "sequence", "uint64", "sequence" },
			[2] = { "status", "uint32", "status" },
			[3] = { "reason", "string", "reason" },
			[4] = { "server", "string", "server" },
			[5] = { "server_port", "uint32", "server_port" },
			[6] = { "size", "uint64", "size" },
			[7] = { "stream_id", "uint32", "stream_id" },
			[8] = { "as_path", "uint32", "as_path", repeated = true },
			[9] = { "keys", "bytes", "keys" },
			[10] = { "score", "double", "score" },
			[11] = { "server_as", "uint32", "server_as" },
		},
	}
	local ctx = { schema = messages, pf = pf, proto = cmeclient, labels = {}, hex_sep = "" }

	local function one_line(s)
		return (tostring(s):gsub("[;|\r\n]", ","))
	end

	local function summary(is_request, g)
		local s
		if is_request then
			s = string.format("ContentRequest seq=%s content=%s cos=%s bandwidth=%s port=%s "
				.. "protocol=%s", g.sequence or "none", g.content or "none",
				tostring(g.cos or "none"), g.bandwidth or "none", tostring(g.port or "none"),
				tostring(g.protocol or "none"))
		elseif g.status == 1 then
			s = string.format("ContentReply seq=%s REFUSED reason=%s", g.sequence or "none",
				g.reason or "none")
		else
			s = string.format("ContentReply seq=%s %s server=%s:%s size=%s stream=%s "
				.. "as_path=%s keys=%s score=%s server_as=%s", g.sequence or "none",
				statuses[g.status or 0] or ("status " .. tostring(g.status)),
				g.server or "none", tostring(g.server_port or "none"), g.size or "none",
				tostring(g.stream_id or "none"),
				g.as_path and table.concat(g.as_path, ",") or "none",
				(g.keys and g.keys ~= "") and g.keys or "none",
				g.score and string.format("%g", g.score) or "none",
				tostring(g.server_as or "none"))
		end
		return one_line(s)
	end

	function cmeclient.dissector(tvb, pinfo, tree)
		local len = tvb:captured_len()
		if len < tvb:reported_length_remaining() then
			return 0
		end
		local is_request = pinfo.dst_port == cmeclient.prefs.port
		local name = is_request and "ContentRequest" or "ContentReply"
		local root = tree:add(cmeclient, tvb(0, len))
		pinfo.cols.protocol = "CMECLIENT"
		root:add(pf.message, tvb(0, len), name):set_generated()
		local ok, got, err = pcall(pb.decode, ctx, tvb, 0, len, name, root, 0)
		if not ok then
			got, err = {}, tostring(got)
		end
		local sum = summary(is_request, got or {})
		if err then
			root:add_proto_expert_info(ex.malformed, "Malformed " .. name .. ": " .. err)
			sum = sum .. " [malformed: " .. one_line(err) .. "]"
		elseif not is_request and got.status == 1 then
			root:add_proto_expert_info(ex.refused, "REFUSED: " ..
				tostring(got.reason or "no reason"))
		end
		root:add(pf.summary, tvb(0, len), sum):set_generated()
		root:append_text(", " .. sum)
		pinfo.cols.info = sum
		return len
	end

	local udp_port_table = DissectorTable.get("udp.port")
	local registered_port = nil
	local function register()
		if registered_port then
			udp_port_table:remove(registered_port, cmeclient)
		end
		registered_port = cmeclient.prefs.port
		udp_port_table:add(registered_port, cmeclient)
	end
	function cmeclient.prefs_changed()
		if registered_port ~= cmeclient.prefs.port then
			register()
		end
	end
	register()
end

------------------------------------------------------------------------
-- CME content: the content server's GET stream
--
-- (entities/cme/content.c, doc/content-apps.md.)  Over TCP, one
-- connection per content: the client sends one request line,
-- "GET <name>\n" (a "\r" before the "\n" is allowed), and the server
-- answers with the content's bytes, or with one line "ERR <why>\n", and
-- closes.  There is no header and no length: the bytes of a segment from
-- the server are content data unless the segment is an ERR line.  A
-- content never begins with "ERR ": its bytes are (13 i + 5) mod 256, so
-- two neighbours always differ by 13.
--
-- Registered on TCP port 8080, the servers' port in the project's
-- scenarios (preference cmecontent.port), where Wireshark would read the
-- stream as HTTP: a request line without the blank line that ends HTTP
-- headers makes the HTTP dissector take every byte of the content for a
-- header and warn on each segment.  The dissector it replaces on that
-- port is put back when the preference moves it.  No sub-dissector is
-- called.
------------------------------------------------------------------------
do
	local LINE_MAX = 256	-- longest request line, "\n" excluded
	local NAME_MAX = LINE_MAX - 4

	local cmecontent = Proto("cmecontent", "COMET CME content transfer")
	cmecontent.prefs.port = Pref.uint("TCP port", 8080,
		"The content server's port: bytes to it are the request, from it the content")

	local pf = {
		request = ProtoField.string("cmecontent.request", "Request line"),
		name = ProtoField.string("cmecontent.name", "Content name"),
		error = ProtoField.string("cmecontent.error", "Error line"),
		data = ProtoField.bytes("cmecontent.data", "Content data"),
		length = ProtoField.uint32("cmecontent.length", "Content bytes in this segment",
			base.DEC),
	}
	cmecontent.fields = { pf.request, pf.name, pf.error, pf.data, pf.length }

	local ex = {
		bad_request = ProtoExpert.new("cmecontent.expert.bad_request",
			"Not a request the server accepts", expert.group.PROTOCOL,
			expert.severity.WARN),
		error = ProtoExpert.new("cmecontent.expert.error", "The server answered with an error",
			expert.group.RESPONSE_CODE, expert.severity.NOTE),
	}
	cmecontent.experts = { ex.bad_request, ex.error }

	-- The content name rule of the server: 1 to NAME_MAX printable ASCII
	-- characters, no space, no '='.
	local function name_ok(s)
		return #s >= 1 and #s <= NAME_MAX and not s:find("[^!-~]") and
			not s:find("=", 1, true)
	end

	-- The line at the start of tvb: its text without "\r\n" or "\n",
	-- its length with them, or nil when there is no "\n" in it.
	local function first_line(tvb)
		local s = tvb:raw(0, tvb:captured_len())
		local nl = s:find("\n", 1, true)
		if not nl then
			return nil
		end
		local text = s:sub(1, nl - 1)
		if text:sub(-1) == "\r" then
			text = text:sub(1, -2)
		end
		return text, nl
	end

	local function request(tvb, root)
		local len = tvb:captured_len()
		local text, n = first_line(tvb)
		local item
		if text then
			item = root:add(pf.request, tvb(0, n), text)
		else
			text = tvb:raw(0, len)
			item = root:add(pf.request, tvb(0, len), text)
			item:append_text(" [no end of line]")
		end
		local name = text:sub(1, 4) == "GET " and text:sub(5) or nil
		if name and name_ok(name) and n and #text <= LINE_MAX then
			root:add(pf.name, tvb(4, #name), name)
			return "GET " .. name
		end
		local why = not n and "no end of line in this segment" or
			#text > LINE_MAX and string.format("longer than %d bytes", LINE_MAX) or
			"not GET and a content name"
		item:add_proto_expert_info(ex.bad_request, "Not a request the server accepts: " .. why)
		return "Request " .. text:sub(1, 40) .. " [" .. why .. "]"
	end

	local function reply(tvb, root)
		local len = tvb:captured_len()
		local text, n = first_line(tvb)
		if text and text:sub(1, 4) == "ERR " and n == len then
			local item = root:add(pf.error, tvb(0, n), text)
			item:add_proto_expert_info(ex.error, "The server answered: " .. text)
			return text
		end
		root:add(pf.data, tvb(0, len))
		root:add(pf.length, len):set_generated()
		return string.format("Content data, %d bytes", len)
	end

	function cmecontent.dissector(tvb, pinfo, tree)
		local len = tvb:captured_len()
		if len == 0 then
			return 0
		end
		pinfo.cols.protocol = "CMECONTENT"
		local root = tree:add(cmecontent, tvb(0, len))
		local info
		if pinfo.dst_port == cmecontent.prefs.port then
			info = request(tvb, root)
		else
			info = reply(tvb, root)
		end
		root:append_text(", " .. info)
		pinfo.cols.info = info
		return len
	end

	local tcp_port = DissectorTable.get("tcp.port")
	local registered_port, replaced = nil, nil
	local function register()
		if registered_port then
			tcp_port:remove(registered_port, cmecontent)
			if replaced then
				tcp_port:add(registered_port, replaced)
			end
		end
		registered_port = cmecontent.prefs.port
		replaced = tcp_port:get_dissector(registered_port)
		tcp_port:add(registered_port, cmecontent)
	end
	function cmecontent.prefs_changed()
		if registered_port ~= cmecontent.prefs.port then
			register()
		end
	end
	register()
end
