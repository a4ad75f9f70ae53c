-- cometsim-echo.lua - Wireshark dissector for the messages of the echo,
-- cometsim's template entity (entities/echo, doc/echo.md "Wire format").
--
-- Load it for one run with
--   tshark -X lua_script:entities/echo/cometsim-echo.lua -r FILE
-- or install it (make install puts it beside cometsim.lua; doc/wireshark.md
-- says where Wireshark looks).  It is the family's own file, so that
-- adding an entity family touches only its own files: a newcomer copies
-- it with the rest of entities/echo/.
--
-- One message per UDP datagram, big endian, 16 bytes:
--
--   offset size  field
--   0      2     magic      0x4543 ("EC")
--   2      1     version    1
--   3      1     type       1 request, 2 reply
--   4      4     sequence
--   8      8     time       ns of virtual time the request was sent
--
-- Registered on UDP port 7007 (preference csecho.port; the Wireshark
-- name "echo" is taken by the Echo protocol of RFC 862).  A datagram to
-- or from that port that is not an echo message is an expert error that
-- names the reason the entity counts it under (malformed_length,
-- malformed_magic, malformed_version, malformed_type), so a capture and
-- counters.csv tell the same story.  Only bytes that were captured whole
-- are read; nothing here can raise an error on short input.

local csecho = Proto("csecho", "cometsim echo")
csecho.prefs.port = Pref.uint("UDP port", 7007, "The UDP port the echoes use")

local types = { [1] = "request", [2] = "reply" }

local pf = {
	magic = ProtoField.uint16("csecho.magic", "Magic", base.HEX),
	version = ProtoField.uint8("csecho.version", "Version", base.DEC),
	type = ProtoField.uint8("csecho.type", "Type", base.DEC, types),
	sequence = ProtoField.uint32("csecho.sequence", "Sequence", base.DEC),
	time = ProtoField.uint64("csecho.time", "Time (ns)", base.DEC),
	reason = ProtoField.string("csecho.reason", "Malformed"),
}
csecho.fields = { pf.magic, pf.version, pf.type, pf.sequence, pf.time, pf.reason }

local malformed = ProtoExpert.new("csecho.expert.malformed", "Not an echo message",
	expert.group.MALFORMED, expert.severity.ERROR)
csecho.experts = { malformed }

-- The reason 16 captured bytes are not a message, as echo_msg.c checks
-- them in order, or nil.
local function reason_of(tvb, len)
	if len ~= 16 then
		return "length"
	elseif tvb(0, 2):uint() ~= 0x4543 then
		return "magic"
	elseif tvb(2, 1):uint() ~= 1 then
		return "version"
	elseif not types[tvb(3, 1):uint()] then
		return "type"
	end
	return nil
end

function csecho.dissector(tvb, pinfo, tree)
	local len = tvb:captured_len()
	if len < tvb:reported_length_remaining() then
		return 0
	end
	pinfo.cols.protocol = "CSECHO"
	local root = tree:add(csecho, tvb(0, len))
	local why = reason_of(tvb, len)
	if why then
		root:add(pf.reason, tvb(0, len), why):set_generated()
		root:add_proto_expert_info(malformed, "Not an echo message: " .. why)
		root:append_text(", malformed: " .. why)
		pinfo.cols.info = "Echo, malformed: " .. why
		return len
	end
	root:add(pf.magic, tvb(0, 2))
	root:add(pf.version, tvb(2, 1))
	root:add(pf.type, tvb(3, 1))
	root:add(pf.sequence, tvb(4, 4))
	root:add(pf.time, tvb(8, 8))
	local s = string.format("Echo %s, seq %d, time %s ns", types[tvb(3, 1):uint()],
		tvb(4, 4):uint(), tostring(tvb(8, 8):uint64()))
	root:append_text(", " .. s)
	pinfo.cols.info = s
	return len
end

local udp_port_table = DissectorTable.get("udp.port")
local registered_port = nil
local function register()
	if registered_port then
		udp_port_table:remove(registered_port, csecho)
	end
	registered_port = csecho.prefs.port
	udp_port_table:add(registered_port, csecho)
end
function csecho.prefs_changed()
	if registered_port ~= csecho.prefs.port then
		register()
	end
end
register()
