#!/usr/bin/python
# appendix_a.py - the RAE configuration script of COMET D4.3 Appendix A
# (section 11.2), typed in again statement by statement with the same
# values.  The text extraction of D4.3 ran several statements together on
# one line; here each is on its own line again.  Two things differ from
# the printed script, both marked "cometsim:" below:
#   - D4.3 writes "prov.sink.prefix_prefix_length = 24" once, a typo for
#     prov.sink.prefix.prefix_length: ConfigurationMessage has no such
#     field, so protobuf raises AttributeError (tests/rae/appendix_a.sh
#     checks that it does); the line is corrected.
#   - "Create peering to AS #9" sets remote_as_number = 5, as printed: the
#     RAE accepts two peers in one AS, so the value is kept.
# tests/rae/appendix_a.sh runs it against a config_pb2 that protoc
# generates from entities/rae/config.proto.
import sys
sys.path.append("build/resources")
import config_pb2
cm = config_pb2.ConfigurationMessage()

#Limit for the number of paths maintained for a single destination prefix.
cm.limit_of_preferred_paths = 3

#Configure information about local AS
cm.local_as_number = 11
cm.local_ip_address = "10.203.3.1"
cm.local_port_number = 10001

#Limit for the intensity of the UPDATE messages exchanged between RAEs
cm.minimum_update_interval = 15

#Provide the listening port of the CME
cm.cme_ip_address = "10.203.3.1"
cm.cme_port_number = 9090

# Define parameters of path ranking algorithm
# use 'multiplicative inverse' function for decision process
cm.decision_with_flat_function = 0

# create QoS targets for class 1 (BTBE)
dp = cm.decision_parameters.add()
dp.id = 1
dp.delay_aspiration = 0.5
dp.delay_reservation = 1.0
dp.loss_aspiration = 1e-5
dp.loss_reservation = 1e-3
dp.bandwidth_aspiration = 4e6
dp.bandwidth_reservation = 1e6

# create QoS targets for class 2 (PR)
dp = cm.decision_parameters.add()
dp.id = 2
dp.delay_aspiration = 0.15
dp.delay_reservation = 0.4
dp.loss_aspiration = 1e-6
dp.loss_reservation = 1e-4
dp.bandwidth_aspiration = 10e6
dp.bandwidth_reservation = 4e6

#Create peering to AS #5
peer = cm.peer_table.add()
peer.remote_as_number = 5
peer.remote_ip_address = "10.5.3.1"
peer.remote_port_number = 10001

#Set the TTL value that will allow to send IP packets to RAE in AS #5. It should be the minimum
#value allowing for correct operations.
peer.ttl_value = 3

#Describe QoS parameters on the link towards the AS #5 (2 classes).
c = peer.class_table.add()
c.cos_id = 1
c.metric.loss_ratio = 1e-6
c.metric.maximum_delay = 0.001
c.metric.supported_bandwidth = 10e6
c = peer.class_table.add()
c.cos_id = 2
c.metric.loss_ratio = 5e-6
c.metric.maximum_delay = 0.005
c.metric.supported_bandwidth = 10e6

#Create peering to AS #9
peer = cm.peer_table.add()
# cometsim: 5 as printed in D4.3 (the comment says AS #9)
peer.remote_as_number = 5
peer.remote_ip_address = "10.9.3.1"
peer.remote_port_number = 10001

#Set the TTL value that will allow to send IP packets to RAE in AS #9. It should be the minimum
#value allowing for correct operations.
peer.ttl_value = 4

#Describe QoS parameters on the link towards the AS #9 (2 classes).
c = peer.class_table.add()
c.cos_id = 1
c.metric.loss_ratio = 2e-6
c.metric.maximum_delay = 0.002
c.metric.supported_bandwidth = 10e6
c = peer.class_table.add()
c.cos_id = 2
c.metric.loss_ratio = 4e-6
c.metric.maximum_delay = 0.010
c.metric.supported_bandwidth = 10e6

#Create prefixes for access networks: 10.203.1.0/24 and 10.203.2.0/24.
prefix = cm.prefix_table.add()
prefix.ip_address = "10.203.1.0"
prefix.prefix_length = 24
prefix = cm.prefix_table.add()
prefix.ip_address = "10.203.2.0"
prefix.prefix_length = 24

#Provide provisioning information about the intra-domain part: from prefix 10.203.1.0/24 to
#10.203.2.0/24 prefix (2 classes).
prov = cm.provisioning_table.add()
prov.source.prefix.ip_address = "10.203.1.0"
prov.source.prefix.prefix_length = 24
prov.sink.prefix.ip_address = "10.203.2.0"
prov.sink.prefix.prefix_length = 24
c = prov.class_table.add()
c.cos_id = 1
c.metric.loss_ratio = 1e-6
c.metric.supported_bandwidth = 10e6
c = prov.class_table.add()
c.cos_id = 2
c.metric.loss_ratio = 1e-6
c.metric.maximum_delay = 0.001
c.metric.supported_bandwidth = 10e6

#Provide provisioning information about the intra-domain part: from prefix 10.203.1.0/24 to
#border router leading to AS #5 (2 classes).
prov = cm.provisioning_table.add()
prov.source.prefix.ip_address = "10.203.1.0"
prov.source.prefix.prefix_length = 24
prov.sink.as_number = 5
c = prov.class_table.add()
c.cos_id = 1
c.metric.loss_ratio = 1e-6
c.metric.supported_bandwidth = 10e6
c = prov.class_table.add()
c.cos_id = 2
c.metric.loss_ratio = 1e-6
c.metric.maximum_delay = 0.001
c.metric.supported_bandwidth = 10e6

#Provide provisioning information about the intra-domain part: from prefix 10.203.1.0/24 to
#border router leading to AS #9 (2 classes).
prov = cm.provisioning_table.add()
prov.source.prefix.ip_address = "10.203.1.0"
prov.source.prefix.prefix_length = 24
prov.sink.as_number = 9
c = prov.class_table.add()
c.cos_id = 1
c.metric.loss_ratio = 1e-6
c.metric.maximum_delay = 0.0005
c.metric.supported_bandwidth = 10e6
c = prov.class_table.add()
c.cos_id = 2
c.metric.loss_ratio = 1e-6
c.metric.maximum_delay = 0.001
c.metric.supported_bandwidth = 10e6

#Provide provisioning information about the intra-domain part: from prefix 10.203.2.0/24 to
#10.203.1.0/24 prefix (2 classes).
prov = cm.provisioning_table.add()
prov.source.prefix.ip_address = "10.203.2.0"
prov.source.prefix.prefix_length = 24
prov.sink.prefix.ip_address = "10.203.1.0"
prov.sink.prefix.prefix_length = 24
c = prov.class_table.add()
c.cos_id = 1
c.metric.loss_ratio = 2e-6
c.metric.maximum_delay = 0.0005
c.metric.supported_bandwidth = 10e6
c = prov.class_table.add()
c.cos_id = 2
c.metric.loss_ratio = 2e-6
c.metric.maximum_delay = 0.002
c.metric.supported_bandwidth = 10e6

#Provide provisioning information about the intra-domain part: from prefix 10.203.2.0/24 to
#border router leading to AS #5 (2 classes).
prov = cm.provisioning_table.add()
prov.source.prefix.ip_address = "10.203.2.0"
prov.source.prefix.prefix_length = 24
prov.sink.as_number = 5
c = prov.class_table.add()
c.cos_id = 1
c.metric.loss_ratio = 1e-6
c.metric.supported_bandwidth = 10e6
c = prov.class_table.add()
c.cos_id = 2
c.metric.loss_ratio = 1e-6
c.metric.maximum_delay = 0.001
c.metric.supported_bandwidth = 10e6

#Provide provisioning information about the intra-domain part: from prefix 10.203.2.0/24 to
#border router leading to AS #9 (2 classes).
prov = cm.provisioning_table.add()
prov.source.prefix.ip_address = "10.203.2.0"
prov.source.prefix.prefix_length = 24
prov.sink.as_number = 9
c = prov.class_table.add()
c.cos_id = 1
c.metric.loss_ratio = 1e-6
c.metric.supported_bandwidth = 10e6
c = prov.class_table.add()
c.cos_id = 2
c.metric.loss_ratio = 1e-6
c.metric.maximum_delay = 0.001
c.metric.supported_bandwidth = 10e6

#Provide provisioning information about the intra-domain part: from border router connecting
#AS #5 to prefix 10.203.1.0/24 (2 classes).
prov = cm.provisioning_table.add()
prov.source.as_number = 5
prov.sink.prefix.ip_address = "10.203.1.0"
# cometsim: D4.3 prints "prov.sink.prefix_prefix_length = 24" (no such field)
prov.sink.prefix.prefix_length = 24
c = prov.class_table.add()
c.cos_id = 1
c.metric.loss_ratio = 1e-6
c.metric.maximum_delay = 0.0005
c.metric.supported_bandwidth = 10e6
c = prov.class_table.add()
c.cos_id = 2
c.metric.loss_ratio = 1e-6
c.metric.maximum_delay = 0.001
c.metric.supported_bandwidth = 10e6

#Provide provisioning information about the intra-domain part: from border router connecting
#AS #5 to prefix 10.203.2.0/24 (2 classes).
prov = cm.provisioning_table.add()
prov.source.as_number = 5
prov.sink.prefix.ip_address = "10.203.2.0"
prov.sink.prefix.prefix_length = 24
c = prov.class_table.add()
c.cos_id = 1
c.metric.loss_ratio = 1e-6
c.metric.maximum_delay = 0.0005
c.metric.supported_bandwidth = 10e6
c = prov.class_table.add()
c.cos_id = 2
c.metric.loss_ratio = 1e-6
c.metric.maximum_delay = 0.001
c.metric.supported_bandwidth = 10e6

#Provide provisioning information about the intra-domain part: from border router connecting
#AS #5 to border router leading to AS #9 (2 classes).
prov = cm.provisioning_table.add()
prov.source.as_number = 5
prov.sink.as_number = 9
c = prov.class_table.add()
c.cos_id = 1
c.metric.loss_ratio = 1e-6
c.metric.supported_bandwidth = 10e6
c = prov.class_table.add()
c.cos_id = 2
c.metric.loss_ratio = 1e-6
c.metric.maximum_delay = 0.001
c.metric.supported_bandwidth = 10e6

#Provide provisioning information about the intra-domain part: from border router connecting
#AS #9 to prefix 10.203.1.0/24 (2 classes).
prov = cm.provisioning_table.add()
prov.source.as_number = 9
prov.sink.prefix.ip_address = "10.203.1.0"
prov.sink.prefix.prefix_length = 24
c = prov.class_table.add()
c.cos_id = 1
c.metric.loss_ratio = 1e-6
c.metric.maximum_delay = 0.0005
c.metric.supported_bandwidth = 10e6
c = prov.class_table.add()
c.cos_id = 2
c.metric.loss_ratio = 1e-6
c.metric.maximum_delay = 0.001
c.metric.supported_bandwidth = 10e6

#Provide provisioning information about the intra-domain part: from border router connecting
#AS #9 to prefix 10.203.2.0/24 (2 classes).
prov = cm.provisioning_table.add()
prov.source.as_number = 9
prov.sink.prefix.ip_address = "10.203.2.0"
prov.sink.prefix.prefix_length = 24
c = prov.class_table.add()
c.cos_id = 1
c.metric.loss_ratio = 1e-6
c.metric.supported_bandwidth = 10e6
c = prov.class_table.add()
c.cos_id = 2
c.metric.loss_ratio = 1e-6
c.metric.maximum_delay = 0.001
c.metric.supported_bandwidth = 10e6

#Provide provisioning information about the intra-domain part: from border router connecting
#AS #9 to border router leading to AS #5 (2 classes).
prov = cm.provisioning_table.add()
prov.source.as_number = 9
prov.sink.as_number = 5
c = prov.class_table.add()
c.cos_id = 1
c.metric.loss_ratio = 1e-6
c.metric.maximum_delay = 0.0005
c.metric.supported_bandwidth = 10e6
c = prov.class_table.add()
c.cos_id = 2
c.metric.loss_ratio = 1e-6
c.metric.maximum_delay = 0.001
c.metric.supported_bandwidth = 10e6

#Finally, save the file!
open("rae11.conf.pb2", "wb").write(cm.SerializeToString())
