## faults.mk - included by Makefile.am: the fault scenarios
## (scenarios/faults/, doc/faults.md) and the limits of a run (event and
## wall-clock limits, sizes refused at load time).
TESTS += tests/scenarios/fault_tcp.sh tests/scenarios/fault_rae.sh \
	tests/scenarios/fault_curling.sh tests/scenarios/limits.sh \
	tests/scenarios/fault_agent.sh
EXTRA_DIST += tests/scenarios/faults.mk \
	tests/scenarios/fault_tcp.sh tests/scenarios/fault_rae.sh \
	tests/scenarios/fault_curling.sh tests/scenarios/limits.sh \
	tests/scenarios/data/limits-flow.xml \
	scenarios/faults/tcp.xml scenarios/faults/rae.xml \
	scenarios/faults/curling-node.xml scenarios/faults/curling-node.script \
	tests/scenarios/fault_agent.sh scenarios/faults/agent.xml
dist_doc_DATA += doc/faults.md
