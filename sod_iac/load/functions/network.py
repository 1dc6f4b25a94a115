"""CIDR functions: subnets, hosts and netmasks of IP networks."""

from __future__ import annotations

import ipaddress
from typing import Any

from sod_iac.load.functions.arguments import _int, _str
from sod_iac.load.functions.registry import FunctionError, _register


def _parse_cidr(prefix: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    address, slash, length = prefix.partition("/")
    if not slash:
        raise FunctionError(f'invalid CIDR expression: "{prefix}"')
    if ":" not in address:
        octets = address.split(".")
        if len(octets) == 4 and all(o.isdigit() for o in octets):
            address = ".".join(str(int(o)) for o in octets)  # Terraform reads 010 as decimal 10
    try:
        return ipaddress.ip_network(f"{address}/{length}", strict=False)
    except ValueError:
        raise FunctionError(f'invalid CIDR expression: "{prefix}"') from None


@_register("cidrsubnet")
def _cidrsubnet(prefix: Any, newbits: Any, netnum: Any) -> str:
    network = _parse_cidr(_str(prefix, "prefix"))
    newbits, netnum = _int(newbits, "newbits"), _int(netnum, "netnum")
    length = network.prefixlen + newbits
    if newbits < 0 or length > network.max_prefixlen:
        raise FunctionError(
            f"insufficient address space to extend prefix of {network.prefixlen} by {newbits}"
        )
    if netnum < 0 or netnum >= 1 << newbits:
        raise FunctionError(f"prefix extension of {newbits} does not accommodate "
                            f"a subnet numbered {netnum}")
    address = network.network_address + (netnum << (network.max_prefixlen - length))
    return f"{address}/{length}"


@_register("cidrhost")
def _cidrhost(prefix: Any, hostnum: Any) -> str:
    network = _parse_cidr(_str(prefix, "prefix"))
    hostnum = _int(hostnum, "hostnum")
    size = network.num_addresses
    if hostnum >= size or hostnum < -size:
        raise FunctionError(f"prefix of {network.prefixlen} does not accommodate "
                            f"a host numbered {hostnum}")
    return str(network.network_address + (hostnum if hostnum >= 0 else size + hostnum))


@_register("cidrnetmask")
def _cidrnetmask(prefix: Any) -> str:
    network = _parse_cidr(_str(prefix, "prefix"))
    if network.version != 4:
        raise FunctionError("only IPv4 networks are supported")
    return str(network.netmask)
