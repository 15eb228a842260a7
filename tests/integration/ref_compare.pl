#!/usr/bin/perl
# ref_compare.pl - compares statements with the figures of the SQL reference
# (tests/integration/reference.sql), one xmllint per statement.
#
#   perl ref_compare.pl ROOT REFFILE FILE_PATTERN [CONTRACT...]
#
# ROOT is the statement's root element (SettlementStatement or
# MonthlyStatement); REFFILE holds the reference's lines contract|path|value
# (a path count:P stands for the number of nodes P matches); FILE_PATTERN
# names a contract's statement with %s for the contract.  Only the listed
# contracts are compared when some are given.  Prints each differing figure
# (the first 20), then one line: "figures N differing D missing M" (M: the
# contracts whose statement file is missing).  Exits 0 when D and M are 0.
use strict;
use warnings;

my ($root, $reffile, $pattern, @only) = @ARGV;
die "usage: ref_compare.pl ROOT REFFILE FILE_PATTERN [CONTRACT...]\n"
    unless defined $pattern;
my %only = map { $_ => 1 } @only;

# the notation of lib.sh to_local: every element step Name becomes
# *[local-name()='Name'] (statements use a default namespace)
sub to_local {
	my ($p) = @_;
	$p =~ s{(^|/)([A-Za-z][A-Za-z0-9]*)}{$1*[local-name()='$2']}g;
	return $p;
}

my (@order, %figs);
open(my $in, '<', $reffile) or die "ref_compare.pl: $reffile: $!\n";
while (my $line = <$in>) {
	chomp $line;
	next if $line eq '';
	my ($contract, $path, $value) = split(/\|/, $line, 3);
	die "ref_compare.pl: bad line: $line\n" unless defined $value;
	next if @only && !$only{$contract};
	push @order, $contract unless exists $figs{$contract};
	push @{ $figs{$contract} }, [ $path, $value ];
}
close $in;

my ($n, $bad, $missing) = (0, 0, 0);
for my $contract (@order) {
	my $file = sprintf($pattern, $contract);
	if (!-f $file) {
		$missing++;
		print "    $contract: no statement $file\n";
		next;
	}
	my @f = @{ $figs{$contract} };
	my @parts = ("''");
	for my $fig (@f) {
		my $p = $fig->[0];
		my $expr = $p =~ s/^count://
		    ? 'count(' . to_local("/$root/$p") . ')'
		    : 'string(' . to_local("/$root/$p") . ')';
		push @parts, $expr, "'\t'";
	}
	my $xpath = 'concat(' . join(',', @parts) . ')';
	open(my $x, '-|', 'xmllint', '--xpath', $xpath, $file)
	    or die "ref_compare.pl: xmllint: $!\n";
	local $/;
	my $out = <$x>;
	close $x;
	$out = '' unless defined $out;
	$out =~ s/\n\z//;
	my @got = split(/\t/, $out, -1);
	pop @got;    # after the last separator
	for my $i (0 .. $#f) {
		$n++;
		my $got = $got[$i] // '<none>';
		next if $got eq $f[$i][1];
		$bad++;
		printf "    %s %s: engine %s, reference %s\n", $contract, $f[$i][0], $got, $f[$i][1]
		    if $bad <= 20;
	}
}
print "figures $n differing $bad missing $missing\n";
exit(($bad == 0 && $missing == 0) ? 0 : 1);
