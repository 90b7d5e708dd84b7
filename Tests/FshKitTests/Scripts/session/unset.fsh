# unset restores a session option's default; an unknown name is an error.
cluster add unset-demo host 10.1.1.1 certs /tmp/fsh-unset user alice
# expect: added cluster 'unset-demo' in *
set output csv
clusters
# expect: name,host,port,certs,user,current
# expect: unset-demo,10.1.1.1,,/tmp/fsh-unset,alice,
unset output
clusters
# expect: NAME*HOST*PORT*CERTS*USER*
# expect: unset-demo  10.1.1.1     -  /tmp/fsh-unset  alice*
try unset no-such-option
echo $error.message
# expect: *no-such-option*
