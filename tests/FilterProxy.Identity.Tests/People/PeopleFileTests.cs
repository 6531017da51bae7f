using FilterProxy.Core.Identity;
using FilterProxy.Identity.People;

namespace FilterProxy.Identity.Tests.People;

public sealed class PeopleFileTests
{
    [Fact]
    public void Csv_import_reads_every_field_and_reports_bad_rows_by_line()
    {
        PeopleReadResult r = PeopleFile.ParseCsv(new StringReader("""
            Username,Display Name,Role,Year Group,Class,Profile,Vulnerable,Tutor
            amy,Amy Pupil,pupil,Year 2,2B,,no,Mr X
            ben,"Pupil, Ben",pupil,5,5C,,yes,
            jones,Mrs Jones,staff,,,,,
            ,No Name,pupil,3,,,,
            carl,Carl,wizard,3,,,,
            dee,Dee,pupil,3,,,maybe,
            amy,Amy Again,pupil,2,,,,
            eve eve,Eve,pupil,3,,,,
            """));

        Assert.Equal(["amy", "ben", "jones"], r.People.Select(p => p.UserName));
        Person ben = r.People[1];
        Assert.Equal("Pupil, Ben", ben.DisplayName);
        Assert.True(ben.Vulnerable);
        Assert.Equal("5", ben.YearGroup);
        Assert.Equal("5C", ben.Class);
        Assert.Equal(PersonRole.Staff, r.People[2].Role);
        Assert.Equal([1, 5, 6, 7, 8, 9], r.Errors.Select(e => e.Line));
        Assert.Contains("Tutor", r.Errors[0].Message);
        Assert.Contains("wizard", r.Errors[2].Message);
    }

    [Fact]
    public void Csv_without_a_username_column_is_refused()
    {
        PeopleReadResult r = PeopleFile.ParseCsv(new StringReader("name,year\namy,2\n"));
        Assert.Empty(r.People);
        Assert.Contains("username", Assert.Single(r.Errors).Message);
    }

    [Fact]
    public void Json_import_reads_an_array_and_reports_bad_entries_by_position()
    {
        PeopleReadResult r = PeopleFile.ParseJson("""
            [ { "username": "amy", "displayName": "Amy Pupil", "yearGroup": 2, "vulnerable": false },
              { "username": "ben", "profile": "ks2", "vulnerable": true },
              "not an object",
              { "displayName": "nobody" } ]
            """);
        Assert.Equal(["amy", "ben"], r.People.Select(p => p.UserName));
        Assert.Equal("2", r.People[0].YearGroup);
        Assert.Equal("ks2", r.People[1].Profile);
        Assert.Equal([3, 4], r.Errors.Select(e => e.Line));
    }

    [Fact]
    public void Broken_json_names_the_line()
    {
        PeopleReadResult r = PeopleFile.ParseJson("[\n{ \"username\": \"amy\" },\n{ oops }\n]");
        Assert.Empty(r.People);
        Assert.Equal(3, Assert.Single(r.Errors).Line);
    }
}
