# Positive and negative (SOD111): policies attached through module outputs that hold a whole
# resource object (`output "role" { value = aws_iam_role.this }`).
#
# Proves: Terraform evaluates `module.m.role` to the role object, so `module.m.role.name` and
# `module.m.role["name"]` are its name (an object's attribute read either way), and
# `module.m["k"]` is the instance "k" of a for_each module even when the keys come from a
# variable the code does not set. AWS: a role with AdministratorAccess (Action "*" on "*")
# or with a customer policy stating the same holds every duty.
#   - `module.team` has for_each over `var.teams` (unknown): the attachment through
#     `module.team["platform"].role.name` reaches its role: SOD111.
#   - `module.ops`'s role gets the customer policy of `module.everything` through
#     `module.ops.role["name"]` and `module.everything.policy["arn"]`: SOD111.
#   - `module.web`'s role only gets AmazonS3ReadOnlyAccess: not an administrator.

variable "teams" {
  type = set(string)
}

module "team" {
  source   = "./modules/role"
  for_each = var.teams
  name     = each.key
}

module "ops" {
  source = "./modules/role"
  name   = "ops"
}

module "web" {
  source = "./modules/role"
  name   = "web"
}

module "everything" {
  source = "./modules/policy"
}

resource "aws_iam_role_policy_attachment" "team" {
  role       = module.team["platform"].role.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_role_policy_attachment" "ops" {
  role       = module.ops.role["name"]
  policy_arn = module.everything.policy["arn"]
}

resource "aws_iam_role_policy_attachment" "web" {
  role       = module.web.role.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
}
