# SOD106 on Microsoft Entra ID: directory roles that provision identities together with roles
# that assign access.
#
# Per Microsoft's "Microsoft Entra built-in roles": User Administrator has
# microsoft.directory/users/create and groups/members/update; Groups Administrator has
# groups/members/update; Privileged Role Administrator has
# roleAssignments/allProperties/allTasks (it assigns directory roles); Application
# Administrator has servicePrincipals/managePermissionGrantsForAll.microsoft-application-admin
# (it grants consent to application permissions). A role is named by its template id (fixed in
# every tenant) or by an azuread_directory_role of the code.
#
# Proves:
#   - `joiner` holds User Administrator and Privileged Role Administrator: flagged.
#   - `groups_and_apps` holds Groups Administrator (template id as text) and Application
#     Administrator: flagged.
#   - `user_admin` holds only User Administrator: quiet (provisioning only).
#   - `role_admin` holds only Privileged Role Administrator: quiet (assignment only).
resource "azuread_directory_role" "user_admin" {
  display_name = "User Administrator"
}

resource "azuread_directory_role" "privileged_role_admin" {
  template_id = "e8611ab8-c189-46e8-94e1-60213ab1f814"
}

resource "azuread_directory_role" "app_admin" {
  display_name = "Application Administrator"
}

resource "azuread_application" "joiner" {
  display_name = "joiner"
}

resource "azuread_service_principal" "joiner" {
  client_id = azuread_application.joiner.client_id
}

resource "azuread_directory_role_assignment" "joiner_users" {
  role_id             = azuread_directory_role.user_admin.template_id
  principal_object_id = azuread_service_principal.joiner.object_id
}

resource "azuread_directory_role_assignment" "joiner_roles" {
  role_id             = azuread_directory_role.privileged_role_admin.template_id
  principal_object_id = azuread_service_principal.joiner.object_id
}

resource "azuread_application" "groups_and_apps" {
  display_name = "groups-and-apps"
}

resource "azuread_service_principal" "groups_and_apps" {
  client_id = azuread_application.groups_and_apps.client_id
}

resource "azuread_directory_role_assignment" "groups_and_apps_groups" {
  role_id             = "fdd7a751-b60b-444a-984c-02652fe8fa1c"
  principal_object_id = azuread_service_principal.groups_and_apps.object_id
}

resource "azuread_directory_role_assignment" "groups_and_apps_consent" {
  role_id             = azuread_directory_role.app_admin.template_id
  principal_object_id = azuread_service_principal.groups_and_apps.object_id
}

resource "azuread_application" "user_admin" {
  display_name = "hr-sync"
}

resource "azuread_service_principal" "user_admin" {
  client_id = azuread_application.user_admin.client_id
}

resource "azuread_directory_role_assignment" "user_admin" {
  role_id             = azuread_directory_role.user_admin.template_id
  principal_object_id = azuread_service_principal.user_admin.object_id
}

resource "azuread_application" "role_admin" {
  display_name = "access-governance"
}

resource "azuread_service_principal" "role_admin" {
  client_id = azuread_application.role_admin.client_id
}

resource "azuread_directory_role_assignment" "role_admin" {
  role_id             = azuread_directory_role.privileged_role_admin.template_id
  principal_object_id = azuread_service_principal.role_admin.object_id
}
