// SPDX-License-Identifier: GPL-2.0
/*
 * iovisor: an IO module hypervisor. Module init and exit, per-namespace
 * state and the netdevice notifier that unlinks devices that go away.
 */
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include "iovisor.h"

struct workqueue_struct *iov_wq;
static unsigned int iov_net_id __read_mostly;

struct iov_net *iov_net(const struct net *net)
{
	return net_generic(net, iov_net_id);
}

static int __net_init iov_net_init(struct net *net)
{
	struct iov_net *in = iov_net(net);

	in->net = net;
	INIT_LIST_HEAD(&in->modules);
	INIT_LIST_HEAD(&in->attaches);
	idr_init(&in->module_ids);
	ida_init(&in->slots);
	in->hop_budget = IOV_HOP_BUDGET_DEFAULT;
	return 0;
}

/*
 * Devices leave the namespace (NETDEV_UNREGISTER, and the notifier below
 * unlinks them) before this runs: it is a subsys, so it exits after the
 * device ops. Anything still linked is unlinked here all the same.
 */
static void __net_exit iov_net_exit(struct net *net)
{
	rtnl_lock();
	iov_net_teardown(iov_net(net));
	rtnl_unlock();
}

static struct pernet_operations iov_net_ops = {
	.init = iov_net_init,
	.exit = iov_net_exit,
	.id   = &iov_net_id,
	.size = sizeof(struct iov_net),
};

/*
 * NETDEV_UNREGISTER comes both when a device is destroyed and when it moves
 * to another namespace: either way it leaves this graph.
 */
static int iov_netdev_event(struct notifier_block *nb, unsigned long event,
			    void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	if (!iov_dev_is_attached(dev))
		return NOTIFY_DONE;
	if (event == NETDEV_UNREGISTER)
		iov_dev_gone(dev);
	else if (event == NETDEV_FEAT_CHANGE)
		dev_disable_lro(dev);	/* merged frames must not be forwarded */
	return NOTIFY_DONE;
}

static struct notifier_block iov_netdev_notifier = {
	.notifier_call = iov_netdev_event,
};

/* A generic netlink socket closed: the modules it owns go with it. */
static int iov_netlink_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct netlink_notify *n = ptr;

	if (event == NETLINK_URELEASE && n->protocol == NETLINK_GENERIC &&
	    n->portid)
		iov_owner_gone(n->net, n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block iov_netlink_notifier = {
	.notifier_call = iov_netlink_event,
};

static int __init iov_init(void)
{
	int err;

	iov_wq = alloc_workqueue("iovisor", 0, 0);
	if (!iov_wq)
		return -ENOMEM;
	err = register_netdevice_notifier(&iov_netdev_notifier);
	if (err)
		goto err_wq;
	err = register_pernet_subsys(&iov_net_ops);
	if (err)
		goto err_notifier;
	err = netlink_register_notifier(&iov_netlink_notifier);
	if (err)
		goto err_pernet;
	err = iov_genl_init();
	if (err)
		goto err_netlink;
	pr_info("loaded\n");
	return 0;

err_netlink:
	netlink_unregister_notifier(&iov_netlink_notifier);
err_pernet:
	unregister_pernet_subsys(&iov_net_ops);
err_notifier:
	unregister_netdevice_notifier(&iov_netdev_notifier);
err_wq:
	destroy_workqueue(iov_wq);
	return err;
}

static void __exit iov_exit(void)
{
	iov_genl_exit();
	netlink_unregister_notifier(&iov_netlink_notifier);
	unregister_pernet_subsys(&iov_net_ops);
	unregister_netdevice_notifier(&iov_netdev_notifier);
	/* Wait for the grace periods of queued releases, then run them. */
	rcu_barrier();
	destroy_workqueue(iov_wq);
	pr_info("unloaded\n");
}

module_init(iov_init);
module_exit(iov_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("iovisor: an IO module hypervisor (graphs of eBPF programs on the receive path)");
MODULE_AUTHOR("The iovisor developers");
MODULE_ALIAS_GENL_FAMILY(IOV_GENL_NAME);
