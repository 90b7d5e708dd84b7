# unset restores a session option's default; an unknown name is an error.
# expect warning: certs directory '/tmp/fsh-unset' does not exist
cluster add unset-demo host 10.1.1.1 certs /tmp/fsh-unset user alice
set output csv
clusters
# expect: name,host,port,certs,user,current,default
# expect: unset-demo,10.1.1.1,,/tmp/fsh-unset,alice,false,false
unset output
clusters
# expect: NAME*HOST*PORT*CERTS*USER*
# expect: unset-demo  10.1.1.1     -  /tmp/fsh-unset  alice*
try unset no-such-option
echo $error.message
# expect: *no-such-option*
