let dataset = x
echo $datset
# expect error: 2:6: undefined variable 'datset'
