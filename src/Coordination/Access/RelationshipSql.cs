using Coordination.Identity;
using Npgsql;

namespace Coordination.Access;

/// <summary>
/// <see cref="FamilyAccess.HasRelationship"/> as one SQL condition over a family's stored <see cref="Relationships"/> (its
/// <see cref="FamilyReach"/>), for lists that must page over only the families the caller relates to: each arm a
/// containment the GIN index on <c>relationships</c> serves, the intake's arm narrowed exactly as <see cref="Relationships.AwaitsDecisionOfOthers"/> is.
/// FamilyAccess still judges every row read; the two agree, so a page is never cut short by rows dropped after it.
/// </summary>
public static class RelationshipSql
{
    /// <param name="relationships">The SQL expression of the family's relationships JSON (<c>fr.data -> 'relationships'</c> of a <see cref="FamilyReach"/>).</param>
    /// <param name="teams">The teams the caller is a current member of.</param>
    public static string Condition(string relationships, Professional caller, IReadOnlySet<Guid> teams, NpgsqlCommand command)
    {
        var r = relationships + " @> ";
        var arms = new List<string>();
        if (caller.IsCaseworker)
        {
            arms.Add(r + "jsonb_build_object('professionalIds', jsonb_build_array(@relId::text))");
            arms.Add(r + "jsonb_build_object('responsibleSocialWorkerId', @relId::text)");
            arms.Add(r + "jsonb_build_object('invitedAgencies', jsonb_build_array(@relAgency::text))");
            if (caller.IsSocialWorker)
            {
                // The intake: a concern waits for its decision that the caller did not notify as their own agency.
                arms.Add($"({r}'{{\"awaitingDecision\": true}}'::jsonb and exists (select 1 from jsonb_array_elements_text({relationships} -> 'undecidedConcerns') c "
                         + $"where coalesce({relationships} -> 'notifiers' ->> c, '') <> @relId))");
            }
        }
        if (caller.IsCaseworkingProfessional)
        {
            var i = 0;
            foreach (var team in teams)
            {
                arms.Add(r + $"jsonb_build_object('teamId', @relTeam{i}::text)");
                command.Parameters.Add(new NpgsqlParameter($"relTeam{i++}", team.ToString()));
            }
        }
        command.Parameters.Add(new NpgsqlParameter("relId", caller.Id));
        command.Parameters.Add(new NpgsqlParameter("relAgency", Kebab.Name(caller.Agency)));
        return arms.Count == 0 ? "false" : $"({string.Join(" or ", arms)})";
    }
}
