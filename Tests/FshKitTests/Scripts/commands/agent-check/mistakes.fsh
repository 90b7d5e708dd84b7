# agent check: each mistake on its own line with its fix, then a non-zero status.
agent check mistakes.yml
# expect: LEVEL  WHAT*FIX
# expect: warn   unknown key 'control_service' is ignored by the agent*did you mean 'control-service'?*
# expect: fail   'version' is a string; the agent accepts only the number 1*write `version: 1` (a number, not quoted)
# expect: fail   control-service hostname 'localhost' is the loopback: the node would register as 127.0.0.1*use the control service's name or IP as the nodes reach it
# expect: fail   port 4523 is the REST API port; agents talk to the control service on 4524*set `port: 4524` (or leave it out)
# expect: pass   backend 'gce': *
# expect: fail   'cluster_id' is passed by the agent itself: *remove 'cluster_id' from dataset
# expect: fail   'projet' is not a parameter of the gce backend: the agent stops at start *did you mean 'project'? gce takes: project, zone, credentials
# expect: pass   no secrets in the file (mode *)*
# expect error: 2:13: '*/agent-check/mistakes.yml' has 5 error(s)
