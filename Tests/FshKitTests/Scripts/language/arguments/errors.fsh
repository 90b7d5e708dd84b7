# Argument errors come from each command's declaration: what is missing, by name, and the
# command's whole usage line.
try create
echo $error.message
# expect: 'create' needs NAME
try create a
echo $error.message
# expect: 'create' needs SIZE
try create x 1G
echo $error.message
# expect: 'create' needs 'on NODE'
echo $error.notes.1
# expect: usage: create NAME SIZE on NODE ?meta K=V …? ?id UUID? ?--force? ?--yes? ?--wait? ?timeout DURATION?
try create a -5G on n
echo $error.message
# expect: invalid size '-5G'
try datasets --delted
echo $error.message / $error.notes.0
# expect: unknown option '--delted' for 'datasets' / did you mean '--deleted'?
try wait db atached
echo $error.message / $error.notes.0
# expect: invalid status 'atached' / did you mean 'attached'?
try move db
echo $error.message
# expect: 'move' needs 'to NODE'
try move db too n
echo $error.message / $error.notes.0
# expect: unexpected argument 'too' for 'move' / did you mean 'to'?
try echo -o yaml x
echo $error.message
# expect: invalid output format 'yaml'
echo -ojson x
# expect: "x"
echo --output=csv y
# expect: y
